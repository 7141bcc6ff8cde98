"""Receiving an upload batch: the multipart body is parsed as it streams in and each file goes straight to a spool
directory on disk, so memory stays flat. Limits are enforced while reading: the request is refused (413) as soon as
a file or the whole batch is too large, not after it has all arrived."""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request
from python_multipart.multipart import MultipartParser, parse_options_header

from search_api.errors import ApiError

MAX_FIELD_BYTES = 16 * 1024
_UNSAFE = re.compile(r"[^\w.\- ()\[\]+,]", re.UNICODE)


@dataclass
class SpooledFile:
    """One received file: the name the user gave (cleaned) and where it sits on disk."""

    name: str
    path: Path
    size: int = 0


@dataclass
class ReceivedBatch:
    """The files and text fields of one upload request."""

    files: list[SpooledFile] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def total_bytes(self) -> int:
        """Sum of the file sizes."""
        return sum(f.size for f in self.files)


def clean_filename(raw: str) -> str:
    """The last path component of a client-supplied name, without control or path characters."""
    name = unicodedata.normalize("NFC", raw.replace("\\", "/").split("/")[-1]).strip()
    name = _UNSAFE.sub("_", name).lstrip(".")
    return name[:180] or "upload"


def spool_name(seq: int, name: str) -> str:
    """The spooled file's name: its position in the batch, then the name the user gave."""
    return f"{seq:04d}-{name}"


def _too_large(message: str, key: str, **values: object) -> ApiError:
    return ApiError(413, "too_large", message, key=key, values=values)


def megabytes(size: int) -> str:
    """A size as a clerk reads it, in MB: `512`, `1.5`, `0.19`."""
    mb = size / (1024 * 1024)
    return f"{mb:.0f}" if mb >= 10 else f"{mb:.2g}"


async def receive_batch(request: Request, spool: Path, *, max_files: int, max_file_bytes: int,
                        max_batch_bytes: int) -> ReceivedBatch:
    """Stream a `multipart/form-data` body into `spool`. Raises ApiError 413/422 (after removing what was written)."""
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise ApiError(415, "unsupported_media_type",
                       "send the files as multipart/form-data with one 'files' part per file", key="err_not_multipart")
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > max_batch_bytes + 1024 * 1024:
        raise _too_large(f"this batch is {int(length)} bytes; a batch may hold at most {max_batch_bytes} bytes — "
                         "split it into smaller batches", "err_batch_too_large", size=int(length),
                         size_mb=megabytes(int(length)), limit=max_batch_bytes, limit_mb=megabytes(max_batch_bytes))
    spool.mkdir(parents=True, exist_ok=True)
    batch = ReceivedBatch()
    cur: dict = {}
    taken: set[str] = set()

    def on_part_begin() -> None:
        cur.clear()
        cur.update(headers={}, field=b"", value=b"", sink=None, file=None, text=bytearray())

    def on_header_field(data: bytes, start: int, end: int) -> None:
        cur["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        cur["value"] += data[start:end]

    def on_header_end() -> None:
        cur["headers"][cur["field"].decode("latin-1").lower()] = cur["value"]
        cur["field"], cur["value"] = b"", b""

    def on_headers_finished() -> None:
        _, disp = parse_options_header(cur["headers"].get("content-disposition", b""))
        name = disp.get(b"name", b"").decode("utf-8", "replace")
        filename = disp.get(b"filename")
        cur["name"] = name
        if filename is None:
            return
        if len(batch.files) >= max_files:
            raise ApiError(422, "too_many_files", f"a batch may hold at most {max_files} files; "
                           "split the upload into several batches", key="err_too_many_files", values={"n": max_files})
        display = clean_filename(filename.decode("utf-8", "replace"))
        base, n = display, 2
        while display in taken:  # two files with the same name stay distinguishable in the ledger
            stem, dot, ext = base.rpartition(".")
            display = f"{stem} ({n}).{ext}" if dot else f"{base} ({n})"
            n += 1
        taken.add(display)
        path = spool / spool_name(len(batch.files), display)
        entry = SpooledFile(name=display, path=path)
        batch.files.append(entry)
        cur["file"] = entry
        cur["sink"] = open(path, "wb")  # noqa: SIM115 - closed in on_part_end or on error

    def on_part_data(data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        entry: SpooledFile | None = cur.get("file")
        if entry is None:
            cur["text"] += chunk
            if len(cur["text"]) > MAX_FIELD_BYTES:
                raise ApiError(422, "field_too_long", f"form field {cur.get('name')!r} is too long",
                               key="err_field_too_long", values={"name": cur.get("name")})
            return
        entry.size += len(chunk)
        if entry.size > max_file_bytes:
            raise _too_large(f"file {entry.name!r} is larger than the limit of {max_file_bytes} bytes per file",
                             "err_file_too_large", name=entry.name, limit=max_file_bytes,
                             limit_mb=megabytes(max_file_bytes))
        if batch.total_bytes > max_batch_bytes:
            raise _too_large(f"this batch is larger than the limit of {max_batch_bytes} bytes; split it",
                             "err_batch_over_limit", limit=max_batch_bytes, limit_mb=megabytes(max_batch_bytes))
        cur["sink"].write(chunk)

    def on_part_end() -> None:
        if cur.get("sink") is not None:
            # Durable before the batch is acknowledged: a server restart resumes batches from the spool.
            cur["sink"].flush()
            os.fsync(cur["sink"].fileno())
            cur["sink"].close()
            cur["sink"] = None
        elif cur.get("name"):
            batch.fields[cur["name"]] = cur["text"].decode("utf-8", "replace")

    parser = MultipartParser(boundary, {
        "on_part_begin": on_part_begin, "on_part_data": on_part_data, "on_part_end": on_part_end,
        "on_header_field": on_header_field, "on_header_value": on_header_value, "on_header_end": on_header_end,
        "on_headers_finished": on_headers_finished})
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except ApiError:
        _discard(cur, spool)
        raise
    except Exception as exc:  # malformed multipart, client went away
        _discard(cur, spool)
        raise ApiError(400, "bad_upload", f"the upload could not be read ({exc}); try again", key="err_bad_upload",
                       values={"detail": str(exc)}) from exc
    if not batch.files:
        _discard(cur, spool)
        raise ApiError(422, "no_files", "the batch holds no files: add at least one file as a 'files' part",
                       key="err_no_files")
    fd = os.open(spool, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return batch


def _discard(cur: dict, spool: Path) -> None:
    if cur.get("sink") is not None:
        cur["sink"].close()
    shutil.rmtree(spool, ignore_errors=True)
