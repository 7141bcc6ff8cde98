"""What the pipeline stages work with: the configuration, the object store and the search index, as interfaces.

`workers/backends.py` is the one place that chooses their implementations (and the queue's); the stages, both queues
and the jobs depend on this interface only, so every import runs from the concrete to the abstract.
"""

from __future__ import annotations

from typing import Protocol

from index.base import SearchIndex
from settings import Settings
from storage.base import ObjectStore


class Services(Protocol):
    """The backends of one process (see `workers.backends.Backends`)."""

    settings: Settings
    store: ObjectStore

    @property
    def index(self) -> SearchIndex:
        """The search index (opened on first use)."""
