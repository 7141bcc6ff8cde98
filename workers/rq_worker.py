"""The `records worker` process: RQ's forking worker on Records' queues, with a shorter heartbeat grace and a
periodic `recover` run by one worker of all (the queue itself, jobs and their ids are in `workers.rq_queue`)."""

from __future__ import annotations

import json
import logging
import os

from redis import Redis
from rq.job import Job

from workers.rq_queue import QUEUES, int_env

log = logging.getLogger("records.rq")

RECOVER_LOCK = "records:recover-lock"


def recover_interval() -> int:
    """Seconds between the workers' `recover` checks (RECORDS_RECOVER_INTERVAL, default 600; 0 turns it off)."""
    return int_env("RECORDS_RECOVER_INTERVAL", 600)


def periodic_recover(connection: Redis) -> None:
    """One worker of all every `recover_interval()` seconds (a Redis lock with that expiry) runs `recover`, so a
    document whose jobs Redis lost is picked up even when nobody runs `records recover`."""
    interval = recover_interval()
    if interval <= 0 or not connection.set(RECOVER_LOCK, str(os.getpid()), nx=True, ex=interval):
        return
    from integrity.recover import recover
    from workers.backends import open_backends

    backends = open_backends()
    try:
        report = recover(backends)
        if report.requeued:
            log.warning(json.dumps({"event": "recovered", "requeued": report.requeued}))
    except Exception as exc:  # maintenance must never stop the worker; the next run tries again
        log.warning("periodic recover failed: %s", exc)
    finally:
        backends.close()


def make_worker(connection: Redis, queues: list[str] | None = None, *, name: str | None = None,
                heartbeat: int = 30, grace: int = 30, maintenance: int = 60):
    """An RQ worker on our queues (priority order) that notices a dead worker's job within about
    `heartbeat + grace` seconds and runs maintenance (re-running such jobs, starting the retry scheduler when
    the worker holding it died) every `maintenance` seconds, even when idle."""
    from rq import Worker

    class RecordsWorker(Worker):
        """RQ's forking worker; only the heartbeat grace differs (RQ's default is 60 s on top of the interval)."""

        def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
            return super().get_heartbeat_ttl(job, working_time) - 60 + grace

        def run_maintenance_tasks(self) -> None:
            super().run_maintenance_tasks()
            periodic_recover(self.connection)

    return RecordsWorker(list(queues or QUEUES), connection=connection, name=name, job_monitoring_interval=heartbeat,
                         maintenance_interval=maintenance, worker_ttl=max(maintenance + 15, heartbeat + grace))
