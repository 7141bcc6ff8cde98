"""The queue interface: run the pipeline over accepted documents. Two implementations, chosen in
`workers/backends.py`:

- `workers.inprocess.InProcessQueue` (embedded default): a process pool on this machine, pages of all documents in
  parallel.
- `workers.rq_queue.RQQueue` (distributed, `RECORDS_REDIS_URL`): a job per one-page document, else page jobs and an
  assemble job per document, on Redis, run by `records worker` processes anywhere.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable

from documents.model import Manifest
from workers.services import Services

OnDone = Callable[[Manifest], None]


class JobQueue(ABC):
    """Runs (or schedules) the pipeline for documents whose originals are stored with status `queued`."""

    @abstractmethod
    def process(self, doc_ids: Iterable[str], backends: Services, *, wait: bool, on_done: OnDone | None = None) -> None:
        """Process every id (consumed lazily). With `wait`, return only when each has reached a final state,
        calling `on_done` with its manifest as it does; without it, return once all are scheduled."""

