"""One contract for every object store: the local directory and the S3 server started by scripts/services.sh.

The "s3" parameter talks to the real server named by RECORDS_TEST_S3_ENDPOINT (a fresh bucket per test). In CI
(CI=true) a missing server is a failure, never a skip.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import socket
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import need
from documents.errors import NotFound, RecordsError, TransientBackendError
from settings import Settings
from storage.base import ObjectStore
from storage.local import LocalStore


def s3_settings(bucket: str) -> Settings:
    """Settings for the test S3 server, or fail (CI) / skip (a developer without the servers)."""
    endpoint = need("RECORDS_TEST_S3_ENDPOINT")
    return Settings(
        s3_endpoint=endpoint,
        s3_access_key=os.environ.get("RECORDS_TEST_S3_ACCESS_KEY"),
        s3_secret_key=os.environ.get("RECORDS_TEST_S3_SECRET_KEY"),
        s3_bucket=bucket,
    )


def _empty_bucket(store) -> None:
    client, bucket = store.client, store.bucket
    if client.bucket_exists(bucket):
        for obj in client.list_objects(bucket, recursive=True):
            client.remove_object(bucket, obj.object_name)
        client.remove_bucket(bucket)


@pytest.fixture
def s3_store() -> Iterator[ObjectStore]:
    """An S3Store on a fresh bucket of the real test server, removed afterwards."""
    from storage.s3 import S3Store

    store = S3Store.from_settings(s3_settings(f"records-test-{uuid.uuid4().hex[:12]}"))
    yield store
    _empty_bucket(store)


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path: Path) -> ObjectStore:
    """Each store backend in turn."""
    if request.param == "local":
        return LocalStore(tmp_path / "store")
    return request.getfixturevalue("s3_store")


def test_bytes_round_trip_and_overwrite(store: ObjectStore) -> None:
    store.put_bytes("documents/abc/original.pdf", b"%PDF-1.4 first")
    assert store.get_bytes("documents/abc/original.pdf") == b"%PDF-1.4 first"
    store.put_bytes("documents/abc/original.pdf", b"second")
    assert store.get_bytes("documents/abc/original.pdf") == b"second"
    assert store.size("documents/abc/original.pdf") == 6


def test_empty_object(store: ObjectStore) -> None:
    store.put_bytes("documents/e/empty.txt", b"")
    assert store.exists("documents/e/empty.txt")
    assert store.get_bytes("documents/e/empty.txt") == b""
    assert store.size("documents/e/empty.txt") == 0


def test_json_keeps_unicode(store: ObjectStore) -> None:
    value = {"title": "Quyết định số 12/2023/QĐ-UBND", "urdu": "اطلاع عام", "pages": [1, 2]}
    store.put_json("documents/v/manifest.json", value)
    assert store.get_json("documents/v/manifest.json") == value
    raw = store.get_bytes("documents/v/manifest.json")
    assert "Quyết định".encode() in raw  # stored as UTF-8, not \\u escapes
    assert json.loads(raw) == value


def test_stream_in_chunks(store: ObjectStore) -> None:
    data = os.urandom(300_000)
    store.put_bytes("documents/s/page-1.png", data, "image/png")
    chunks = list(store.open_stream("documents/s/page-1.png", chunk_size=65536))
    assert b"".join(chunks) == data
    assert len(chunks) >= 5 and all(len(c) <= 65536 for c in chunks)


def test_file_round_trip_returns_sha256(store: ObjectStore, tmp_path: Path) -> None:
    src = tmp_path / "scan.tif"
    data = os.urandom(200_000)
    src.write_bytes(data)
    digest = store.put_file("documents/f/original.tif", src, "image/tiff")
    assert digest == hashlib.sha256(data).hexdigest()
    out = store.get_file("documents/f/original.tif", tmp_path / "copy.tif")
    assert out == tmp_path / "copy.tif"
    assert out.read_bytes() == data


def test_exists_and_delete(store: ObjectStore) -> None:
    assert not store.exists("documents/d/original.pdf")
    store.put_bytes("documents/d/original.pdf", b"x")
    assert store.exists("documents/d/original.pdf")
    store.delete("documents/d/original.pdf")
    assert not store.exists("documents/d/original.pdf")
    store.delete("documents/d/original.pdf")  # deleting a missing key is not an error


def test_list_sorted_by_prefix_and_document_ids(store: ObjectStore) -> None:
    keys = [
        "documents/b2/manifest.json",
        "documents/a1/pages/0002.png",
        "documents/a1/manifest.json",
        "documents/a1/pages/0001.png",
        "documents/a22/original.pdf",
        "other/x.txt",
    ]
    for key in keys:
        store.put_bytes(key, b"-")
    assert list(store.list("documents/")) == sorted(k for k in keys if k.startswith("documents/"))
    assert list(store.list("documents/a1/")) == [
        "documents/a1/manifest.json",
        "documents/a1/pages/0001.png",
        "documents/a1/pages/0002.png",
    ]
    assert list(store.list("documents/a2")) == ["documents/a22/original.pdf"]  # a plain prefix, not a folder
    assert list(store.list("nothing/")) == []
    assert list(store.document_ids()) == ["a1", "b2"]


def test_missing_object_is_not_found(store: ObjectStore, tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        store.get_bytes("documents/none/original.pdf")
    with pytest.raises(NotFound):
        store.open_stream("documents/none/original.pdf")
    with pytest.raises(NotFound):
        store.get_file("documents/none/original.pdf", tmp_path / "out")
    with pytest.raises(NotFound):
        store.size("documents/none/original.pdf")
    with pytest.raises(NotFound):
        store.get_json("documents/none/manifest.json")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("key", ["../x", "documents/../../etc/passwd", "/etc/passwd", "", "a//b", "a/./b", ".hidden"])
def test_keys_that_could_escape_are_refused(store: ObjectStore, key: str, tmp_path: Path) -> None:
    with pytest.raises(RecordsError, match="invalid object key"):
        store.put_bytes(key, b"x")
    with pytest.raises(RecordsError, match="invalid object key"):
        store.get_bytes(key)
    assert not (tmp_path / "x").exists()


def test_large_file_streams_through(store: ObjectStore, tmp_path: Path) -> None:
    src = tmp_path / "big.pdf"
    digest = hashlib.sha256()
    with open(src, "wb") as fh:
        for _ in range(12):
            block = os.urandom(1 << 20)
            digest.update(block)
            fh.write(block)
    assert store.put_file("documents/big/original.pdf", src, "application/pdf") == digest.hexdigest()
    assert store.size("documents/big/original.pdf") == 12 << 20
    back = hashlib.sha256()
    for chunk in store.open_stream("documents/big/original.pdf"):
        back.update(chunk)
    assert back.hexdigest() == digest.hexdigest()


def test_url_is_none_for_local(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "store")
    store.put_bytes("documents/u/original.pdf", b"x")
    assert store.url("documents/u/original.pdf") is None


# --- S3 specifics: what the server records and serves -------------------------------------------------------------


def _meta(store, key: str) -> dict[str, str]:
    stat = store.client.stat_object(store.bucket, key)
    return {k.lower(): v for k, v in stat.metadata.items()}


def test_s3_bucket_created_on_first_use(s3_store) -> None:
    assert not s3_store.client.bucket_exists(s3_store.bucket)
    s3_store.put_bytes("documents/n/manifest.json", b"{}")
    assert s3_store.client.bucket_exists(s3_store.bucket)


def test_s3_large_file_is_multipart_with_sha256_recorded(s3_store, tmp_path: Path) -> None:
    src = tmp_path / "big.tif"
    src.write_bytes(os.urandom(12 << 20))
    digest = s3_store.put_file("documents/big/original.tif", src, "image/tiff")
    assert digest == hashlib.sha256(src.read_bytes()).hexdigest()
    meta = _meta(s3_store, "documents/big/original.tif")
    assert meta["x-amz-meta-sha256"] == digest
    assert meta["content-type"] == "image/tiff"
    etag = s3_store.client.stat_object(s3_store.bucket, "documents/big/original.tif").etag
    assert etag.endswith("-2"), f"expected a 2-part multipart upload, got ETag {etag}"
    assert s3_store.sha256("documents/big/original.tif") == digest


def test_s3_small_objects_record_sha256(s3_store) -> None:
    s3_store.put_bytes("documents/m/text.txt", "Nguyễn Đức Thanh".encode(), "text/plain; charset=utf-8")
    assert _meta(s3_store, "documents/m/text.txt")["x-amz-meta-sha256"] == hashlib.sha256(
        "Nguyễn Đức Thanh".encode()
    ).hexdigest()


def test_s3_presigned_url_downloads_and_is_really_signed(s3_store) -> None:
    data = os.urandom(50_000)
    s3_store.put_bytes("documents/p/original.pdf", data, "application/pdf")
    url = s3_store.url("documents/p/original.pdf", expires_seconds=300)
    assert url and "X-Amz-Signature=" in url
    with urllib.request.urlopen(url, timeout=10) as resp:
        assert resp.status == 200
        assert resp.read() == data
    forged = url.replace("X-Amz-Signature=", "X-Amz-Signature=0")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(forged, timeout=10)
    assert err.value.code == 403


def test_s3_wrong_secret_is_refused_with_a_reason(s3_store) -> None:
    from storage.s3 import S3Store

    settings = s3_settings(s3_store.bucket)
    bad = S3Store.from_settings(dataclasses.replace(settings, s3_secret_key="not-the-secret"))
    with pytest.raises(RecordsError, match="refused"):
        bad.put_bytes("documents/x/original.pdf", b"x")


def test_s3_unreachable_server_is_transient(tmp_path: Path) -> None:
    from storage.s3 import S3Store

    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    store = S3Store.from_settings(
        Settings(s3_endpoint=f"127.0.0.1:{port}", s3_access_key="k", s3_secret_key="s", s3_bucket="records")
    )
    with pytest.raises(TransientBackendError, match="unreachable"):
        store.get_bytes("documents/x/original.pdf")


def test_s3_endpoint_forms() -> None:
    from storage.s3 import _split_endpoint

    assert _split_endpoint("http://minio:9000", True) == ("minio:9000", False)
    assert _split_endpoint("https://s3.example.org", False) == ("s3.example.org", True)
    assert _split_endpoint("minio:9000", True) == ("minio:9000", True)
    with pytest.raises(RecordsError):
        _split_endpoint("ftp://minio:9000", False)


def test_s3_bad_bucket_name_is_refused() -> None:
    from storage.s3 import S3Store

    with pytest.raises(RecordsError, match="RECORDS_S3_BUCKET"):
        S3Store.from_settings(Settings(s3_endpoint="localhost:9", s3_access_key="k", s3_secret_key="s", s3_bucket="B"))
