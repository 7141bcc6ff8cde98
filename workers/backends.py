"""The bundle of backends a command or job works with, chosen by configuration alone: the one place that picks the
implementations of the store, the index and the queue (everything else depends on their interfaces)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import settings as settings_module
from index.base import SearchIndex
from settings import Settings
from storage import ObjectStore, open_store
from workers.queue import JobQueue


@dataclass
class Backends:
    """Store, index and queue for one process. The index and queue open lazily on first use."""

    settings: Settings
    store: ObjectStore = field(init=False)

    def __post_init__(self) -> None:
        self.store = open_store(self.settings)

    @cached_property
    def index(self) -> SearchIndex:
        """The search index (tantivy files under RECORDS_HOME, or Elasticsearch when RECORDS_ES_URL is set)."""
        from index import open_index

        return open_index(self.settings)

    @cached_property
    def queue(self) -> JobQueue:
        """The job queue (in-process pool, or RQ when RECORDS_REDIS_URL is set)."""
        return open_queue(self.settings)

    def close(self) -> None:
        """Release the index (its writer lock) if it was opened."""
        if "index" in self.__dict__:
            self.index.close()


def open_queue(settings: Settings) -> JobQueue:
    """RQ when `RECORDS_REDIS_URL` is set, else the in-process pool (imported only when chosen: RQ needs redis)."""
    if settings.redis_url:
        from workers.rq_queue import RQQueue

        return RQQueue.from_settings(settings)
    from workers.inprocess import InProcessQueue

    return InProcessQueue(settings.workers, open_backends)


def open_backends(settings: Settings | None = None) -> Backends:
    """Backends for `settings` (default: read from the environment)."""
    return Backends(settings or settings_module.load())
