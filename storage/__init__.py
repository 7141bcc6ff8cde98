"""Object stores: the system of record. `open_store(settings)` picks the backend."""

from __future__ import annotations

from settings import Settings
from storage.base import ObjectStore
from storage.local import LocalStore


def open_store(settings: Settings) -> ObjectStore:
    """The S3 store when `RECORDS_S3_ENDPOINT` is set, else the local directory under `RECORDS_HOME`."""
    if settings.s3_endpoint:
        from storage.s3 import S3Store

        return S3Store.from_settings(settings)
    return LocalStore(settings.home / "store")


__all__ = ["LocalStore", "ObjectStore", "open_store"]
