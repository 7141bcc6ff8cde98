"""The bundle of backends a command or job works with, chosen by configuration alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import settings as settings_module
from settings import Settings
from storage import ObjectStore, open_store


@dataclass
class Backends:
    """Store, index and queue for one process. The index and queue open lazily on first use."""

    settings: Settings
    store: ObjectStore = field(init=False)

    def __post_init__(self) -> None:
        self.store = open_store(self.settings)

    @cached_property
    def index(self):  # -> index.base.SearchIndex
        """The search index (tantivy files under RECORDS_HOME, or Elasticsearch when RECORDS_ES_URL is set)."""
        from index import open_index

        return open_index(self.settings)

    @cached_property
    def queue(self):  # -> workers.queue.JobQueue
        """The job queue (in-process pool, or RQ when RECORDS_REDIS_URL is set)."""
        from workers.queue import open_queue

        return open_queue(self.settings)

    def close(self) -> None:
        """Release the index (its writer lock) if it was opened."""
        if "index" in self.__dict__:
            self.index.close()


def open_backends(settings: Settings | None = None) -> Backends:
    """Backends for `settings` (default: read from the environment)."""
    return Backends(settings or settings_module.load())
