"""`records worker`: run an RQ worker on the Records queues (distributed mode)."""

from __future__ import annotations

import argparse
import logging
import os

from cli.common import json_flag
from cli.output import error


def add_parser(sub) -> None:
    p = sub.add_parser("worker", help="run a worker for the distributed queue (needs RECORDS_REDIS_URL)")
    p.add_argument("--burst", action="store_true", help="exit once the queues are empty (for tests and batch runs)")
    # Default resolved in run(): the queue names live in workers.rq_queue, which imports redis and rq (0.1 s), and
    # every other command builds this parser too.
    p.add_argument("--queues", metavar="Q1,Q2",
                   help="queues to take jobs from, in priority order (default: all of Records' queues, assemble jobs "
                        "first, then pages, then new documents)")
    p.add_argument("--name", help="worker name (default: host and process id)")
    p.add_argument("--heartbeat", type=int, default=int(os.environ.get("RECORDS_WORKER_HEARTBEAT") or 30),
                   metavar="S", help="seconds between heartbeats of a running job (default 30)")
    p.add_argument("--grace", type=int, default=int(os.environ.get("RECORDS_WORKER_GRACE") or 30), metavar="S",
                   help="seconds after a missed heartbeat before a job counts as abandoned and is re-run (default 30)")
    p.add_argument("--maintenance", type=int, default=int(os.environ.get("RECORDS_WORKER_MAINTENANCE") or 60),
                   metavar="S", help="seconds between registry clean-ups that re-run abandoned jobs (default 60)")
    json_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import settings as settings_module
    from workers.jobs import prune_cache, warm_up
    from workers.rq_queue import QUEUES, connect
    from workers.rq_worker import make_worker

    settings = settings_module.load()
    if not settings.redis_url:
        return error("RECORDS_REDIS_URL is not set: `records worker` serves the distributed queue only")
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one Tesseract thread per worker process; run one per core
    warm_up(settings)  # models and modules loaded once here, inherited by every forked job

    logging.getLogger("records").setLevel(logging.INFO)  # one JSON line per document stage on stderr
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
    prune_cache()
    queues = [q.strip() for q in args.queues.split(",") if q.strip()] if args.queues else list(QUEUES)
    worker = make_worker(connect(settings.redis_url), queues, name=args.name, heartbeat=args.heartbeat,
                         grace=args.grace, maintenance=args.maintenance)
    worker.work(burst=args.burst, with_scheduler=True, logging_level="INFO")
    return 0
