"""Object store on an S3-compatible server (MinIO in production, S3Proxy in the tests) through the `minio` client.

Every object carries its sha256 in the user metadata (`x-amz-meta-sha256`), computed from the bytes actually sent
and checked against a first pass over the file, so a file that changes while it is uploaded is never recorded under
a wrong hash. Large files are streamed in multipart uploads (`PART_SIZE` parts); nothing is held in memory whole.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import urllib3
from minio import Minio
from minio.error import MinioException, S3Error, ServerError
from minio.helpers import check_bucket_name

from documents.errors import NotFound, RecordsError, TransientBackendError
from settings import Settings
from storage.base import ObjectStore, check_key

PART_SIZE = 8 * 1024 * 1024  # multipart above this size; S3 needs parts of at least 5 MiB
_MISSING = {"NoSuchKey", "NoSuchObject", "NoSuchBucket", "NoSuchVersion"}
_RETRYABLE = {"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "RequestTimeTooSkewed"}
_NETWORK_ERRORS = (urllib3.exceptions.HTTPError, ConnectionError, TimeoutError, OSError)


def _split_endpoint(endpoint: str, secure: bool) -> tuple[str, bool]:
    """`http://host:port` or `host:port` -> (`host:port`, secure); a scheme in the URL wins over `secure`."""
    if "://" in endpoint:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise RecordsError(f"RECORDS_S3_ENDPOINT {endpoint!r} is not an http(s) URL or host:port")
        return parts.netloc, parts.scheme == "https"
    return endpoint.rstrip("/"), secure


class _HashingReader(io.RawIOBase):
    """A file wrapper that hashes every byte the client reads from it."""

    def __init__(self, fh) -> None:
        self.fh = fh
        self.digest = hashlib.sha256()
        self.sent = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.digest.update(data)
        self.sent += len(data)
        return data


class S3Store(ObjectStore):
    """One bucket on an S3 server; keys are object names. The bucket is created on first use."""

    def __init__(self, client: Minio, bucket: str, part_size: int = PART_SIZE, endpoint: str = "") -> None:
        self.client = client
        self.endpoint = endpoint
        self.bucket = bucket
        self.part_size = part_size
        self._bucket_ready = False
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Store:
        """The store named by `RECORDS_S3_*`; timeouts and retries bounded so an outage surfaces quickly."""
        if not settings.s3_endpoint:
            raise RecordsError("RECORDS_S3_ENDPOINT is not set")
        if not settings.s3_access_key or not settings.s3_secret_key:
            raise RecordsError("RECORDS_S3_ACCESS_KEY and RECORDS_S3_SECRET_KEY must be set with RECORDS_S3_ENDPOINT")
        endpoint, secure = _split_endpoint(settings.s3_endpoint, settings.s3_secure)
        try:
            check_bucket_name(settings.s3_bucket)
        except ValueError:
            raise RecordsError(f"RECORDS_S3_BUCKET {settings.s3_bucket!r} is not a valid bucket name") from None
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=5, read=120),
            maxsize=16,
            retries=urllib3.Retry(total=3, backoff_factor=0.3, status_forcelist=[500, 502, 503, 504]),
        )
        client = Minio(
            endpoint,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key,
            secure=secure,
            region=settings.s3_region,
            http_client=http,
        )
        return cls(client, settings.s3_bucket, endpoint=endpoint)

    # --- errors ---------------------------------------------------------------------------------------------------

    def _fail(self, exc: Exception, key: str | None = None) -> NoReturn:
        """Translate client errors into the store's exception types (missing, transient, misconfigured)."""
        where = f"{self.bucket}/{key}" if key else self.bucket
        if isinstance(exc, S3Error):
            if exc.code in _MISSING:
                raise NotFound(f"no object {key}") from exc
            if exc.code in _RETRYABLE:
                raise TransientBackendError(f"S3 server busy or failing ({exc.code}) on {where}; retry", "r_s3_busy",
                                            code=exc.code, where=where) from exc
            raise RecordsError(f"S3 server refused the request on {where}: {exc.code} {exc.message}", "r_s3_refused",
                               where=where, code=exc.code, detail=exc.message) from exc
        if isinstance(exc, ServerError):
            raise TransientBackendError(f"S3 server error (HTTP {exc.status_code}) on {where}; retry", "r_s3_error",
                                        status=exc.status_code, where=where) from exc
        if isinstance(exc, _NETWORK_ERRORS):
            reason = f"S3 server {self.endpoint or where} unreachable ({type(exc).__name__}); retry"
            raise TransientBackendError(reason, "r_s3_unreachable", server=self.endpoint or where,
                                        detail=type(exc).__name__) from exc
        if isinstance(exc, MinioException):
            raise RecordsError(f"S3 client error on {where}: {exc}", "r_s3_client", where=where,
                               detail=str(exc)) from exc
        raise exc

    def _ensure_bucket(self) -> None:
        if self._bucket_ready:
            return
        with self._lock:
            if self._bucket_ready:
                return
            try:
                if not self.client.bucket_exists(self.bucket):
                    try:
                        self.client.make_bucket(self.bucket)
                    except S3Error as exc:  # another process created it first
                        if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                            raise
            except Exception as exc:
                self._fail(exc)
            self._bucket_ready = True

    # --- writes ---------------------------------------------------------------------------------------------------

    def put_bytes(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        check_key(key)
        self._ensure_bucket()
        sha = hashlib.sha256(data).hexdigest()
        try:
            self.client.put_object(
                self.bucket, key, io.BytesIO(data), len(data), content_type=content_type, metadata={"sha256": sha}
            )
        except Exception as exc:
            self._fail(exc, key)

    def put_file(self, key: str, path: Path, content_type: str = "application/octet-stream") -> str:
        """Stream `path` (multipart above `part_size`); the sha256 of the bytes sent is checked and recorded."""
        check_key(key)
        self._ensure_bucket()
        path = Path(path)
        # S3 wants user metadata when the upload starts, so hash once before and once more while streaming.
        expected = hashlib.sha256()
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                expected.update(chunk)
        sha = expected.hexdigest()
        length = os.stat(path).st_size
        try:
            with open(path, "rb") as fh:
                reader = _HashingReader(fh)
                self.client.put_object(
                    self.bucket,
                    key,
                    reader,
                    length,
                    content_type=content_type,
                    metadata={"sha256": sha},
                    part_size=self.part_size,
                )
        except Exception as exc:
            self._fail(exc, key)
        if reader.sent != length or reader.digest.hexdigest() != sha:
            self.delete(key)
            raise RecordsError(f"{path} changed while it was uploaded to {key}; upload it again", "r_s3_changed",
                               path=str(path), key=key)
        stored = self.size(key)
        if stored != length:
            raise TransientBackendError(f"S3 server stored {stored} of {length} bytes for {key}; retry", "r_s3_short",
                                        stored=stored, length=length, key=key)
        return sha

    def delete(self, key: str) -> None:
        check_key(key)
        self._ensure_bucket()
        try:
            self.client.remove_object(self.bucket, key)
        except Exception as exc:
            self._fail(exc, key)

    # --- reads ----------------------------------------------------------------------------------------------------

    def _get(self, key: str):
        check_key(key)
        self._ensure_bucket()
        try:
            return self.client.get_object(self.bucket, key)
        except Exception as exc:
            self._fail(exc, key)

    def get_bytes(self, key: str) -> bytes:
        resp = self._get(key)
        try:
            return resp.read()
        except Exception as exc:
            self._fail(exc, key)
        finally:
            resp.close()
            resp.release_conn()

    def open_stream(self, key: str, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        resp = self._get(key)  # before the generator: a missing key raises NotFound now, as in LocalStore

        def chunks() -> Iterator[bytes]:
            try:
                yield from resp.stream(chunk_size)
            except Exception as exc:
                self._fail(exc, key)
            finally:
                resp.close()
                resp.release_conn()

        return chunks()

    def get_file(self, key: str, dest: Path) -> Path:
        dest = Path(dest)
        tmp = dest.with_name(f".{dest.name}.part")
        try:
            with open(tmp, "wb") as fh:
                for chunk in self.open_stream(key):
                    fh.write(chunk)
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
        return dest

    def _stat(self, key: str):
        check_key(key)
        self._ensure_bucket()
        try:
            return self.client.stat_object(self.bucket, key)
        except Exception as exc:
            self._fail(exc, key)

    def exists(self, key: str) -> bool:
        try:
            self._stat(key)
        except NotFound:
            return False
        return True

    def size(self, key: str) -> int:
        return int(self._stat(key).size)

    def sha256(self, key: str) -> str | None:
        """The sha256 recorded in the object's metadata when it was written (None for objects written by others)."""
        meta = self._stat(key).metadata or {}
        for name, value in meta.items():
            if name.lower() == "x-amz-meta-sha256":
                return value
        return None

    def list(self, prefix: str) -> Iterator[str]:
        """Keys under `prefix`, in the server's order (S3 lists in UTF-8 binary order, i.e. sorted)."""
        self._ensure_bucket()
        try:
            for obj in self.client.list_objects(self.bucket, prefix=prefix, recursive=True):
                yield obj.object_name
        except Exception as exc:
            self._fail(exc, prefix)

    def url(self, key: str, expires_seconds: int = 3600) -> str | None:
        """A presigned GET URL, valid for `expires_seconds` (signed locally: no request to the server)."""
        check_key(key)
        self._ensure_bucket()
        try:
            return self.client.presigned_get_object(self.bucket, key, expires=timedelta(seconds=expires_seconds))
        except Exception as exc:
            self._fail(exc, key)
