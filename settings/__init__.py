"""Configuration from `RECORDS_*` environment variables; unset means the embedded default."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    """Everything that chooses a backend or a limit. Built once per process by `load()`."""

    home: Path = field(default_factory=lambda: Path("records-data"))
    redis_url: str | None = None
    s3_endpoint: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    s3_bucket: str = "records"
    s3_secure: bool = False
    s3_region: str = "us-east-1"
    es_url: str | None = None
    es_index: str = "records"
    workers: int = 2
    max_file_bytes: int = 512 * 1024 * 1024
    max_pixels: int = 200_000_000
    max_pages: int = 2000
    default_lang: str = "auto"
    default_agency: str = "default"

    @property
    def distributed_queue(self) -> bool:
        """True when jobs go to RQ on Redis instead of the in-process pool."""
        return bool(self.redis_url)

    @property
    def catalog_path(self) -> Path:
        """The SQLite catalog (users, tokens, batches, audit) lives beside the data."""
        return self.home / "catalog.sqlite3"


def load() -> Settings:
    """Read the environment. Unset variables keep the embedded defaults."""
    env = os.environ.get
    return Settings(
        home=Path(env("RECORDS_HOME") or "records-data"),
        redis_url=env("RECORDS_REDIS_URL") or None,
        s3_endpoint=env("RECORDS_S3_ENDPOINT") or None,
        s3_access_key=env("RECORDS_S3_ACCESS_KEY") or None,
        s3_secret_key=env("RECORDS_S3_SECRET_KEY") or None,
        s3_bucket=env("RECORDS_S3_BUCKET") or "records",
        s3_secure=(env("RECORDS_S3_SECURE") or "").lower() in ("1", "true", "yes"),
        s3_region=env("RECORDS_S3_REGION") or "us-east-1",
        es_url=env("RECORDS_ES_URL") or None,
        es_index=env("RECORDS_ES_INDEX") or "records",
        workers=_int("RECORDS_WORKERS", os.cpu_count() or 1),
        max_file_bytes=_int("RECORDS_MAX_FILE_BYTES", 512 * 1024 * 1024),
        max_pixels=_int("RECORDS_MAX_PIXELS", 200_000_000),
        max_pages=_int("RECORDS_MAX_PAGES", 2000),
        default_lang=env("RECORDS_LANG") or "auto",
        default_agency=env("RECORDS_AGENCY") or "default",
    )
