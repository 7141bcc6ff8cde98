"""Limits of the HTTP API, from `RECORDS_API_*` environment variables (per-file size comes from Settings)."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


@dataclass(frozen=True)
class ApiLimits:
    """Upload and paging limits. `max_file_bytes=None` means `settings.max_file_bytes`."""

    max_files: int = 200
    max_batch_bytes: int = 2 * 1024 * 1024 * 1024
    max_file_bytes: int | None = None
    max_page_size: int = 100
    max_offset: int = 10_000

    @classmethod
    def from_env(cls) -> ApiLimits:
        """Limits from RECORDS_API_MAX_FILES, RECORDS_API_MAX_BATCH_BYTES, RECORDS_API_MAX_FILE_BYTES."""
        raw_file = os.environ.get("RECORDS_API_MAX_FILE_BYTES")
        return cls(max_files=_int("RECORDS_API_MAX_FILES", 200),
                   max_batch_bytes=_int("RECORDS_API_MAX_BATCH_BYTES", 2 * 1024 * 1024 * 1024),
                   max_file_bytes=int(raw_file) if raw_file else None)
