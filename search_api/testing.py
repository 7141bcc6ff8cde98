"""Helpers for tests and benchmarks: run the app on loopback with uvicorn, and store ready-made documents.

`seed_document` writes a processed document exactly where the pipeline would (original, page image, thumbnail,
page text, word boxes, whole text, searchable PDF, manifest) and indexes it with the pipeline's own
`index_document`, so API tests can cover hundreds of access cases without OCR-ing hundreds of pages.
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
import time
from dataclasses import dataclass

import uvicorn

from documents.model import (
    Manifest,
    Metadata,
    OriginalFile,
    PageSummary,
    derivative_key,
    document_id,
    manifest_key,
    original_key,
    page_key,
)


class LiveServer:
    """`with LiveServer(app) as server:` serves `app` on 127.0.0.1 (a free port) in a thread; `server.url`."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0) -> None:
        self.config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on",
                                     access_log=False)
        self.server = uvicorn.Server(self.config)
        self.thread = threading.Thread(target=self.server.run, name="records-test-server", daemon=True)
        self.url = ""

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        host, port = self.server.servers[0].sockets[0].getsockname()[:2]
        self.url = f"http://{host}:{port}"
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@dataclass
class Word:
    """A word box on a seeded page."""

    text: str
    left: int
    top: int
    width: int
    height: int


def _png(width: int, height: int, note: str = "") -> bytes:
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    if note:
        info.add_text("seed", note)  # distinct bytes per seeded document, so its sha256 is the file's own
    buf = io.BytesIO()
    Image.new("L", (width, height), 255).save(buf, "PNG", pnginfo=info)
    return buf.getvalue()


def _jpeg(width: int, height: int) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (width, height), 255).save(buf, "JPEG")
    return buf.getvalue()


def _pdf(width: int, height: int, pages: int) -> bytes:
    """A real PDF of `pages` blank pages (copies are stamped on it, PDF/A made from it)."""
    from PIL import Image

    buf = io.BytesIO()
    blank = Image.new("L", (width, height), 255)
    blank.save(buf, "PDF", save_all=True, append_images=[blank] * (max(1, pages) - 1), resolution=100)
    return buf.getvalue()


def layout_words(text: str, width: int = 800, line_height: int = 40) -> list[dict]:
    """Word boxes for `text` laid out left to right, line by line (stand-ins for OCR boxes)."""
    boxes, x, y = [], 20, 20
    for line in text.splitlines():
        for word in line.split():
            w = 14 * len(word)
            if x + w > width - 20:
                x, y = 20, y + line_height
            boxes.append({"text": word, "left": x, "top": y, "width": w, "height": 28, "conf": 95.0})
            x += w + 12
        x, y = 20, y + line_height
    return boxes


def seed_document(backends, *, agency: str, pages: list[str], title: str, visibility: str = "private",
                  shared_with: list[str] | None = None, doc_type: str = "notice", language: str = "eng",
                  issued_date: str | None = "2024-03-15", doc_number: str | None = None,
                  dossier: str | None = None) -> Manifest:
    """Store and index one processed document; returns its manifest."""
    from workers.pipeline import index_document

    width, height = 800, 1000
    original = _png(width, height, json.dumps([agency, title, pages], ensure_ascii=False))
    sha = hashlib.sha256(original).hexdigest()
    doc_id = document_id(sha, agency)
    store = backends.store
    store.put_bytes(original_key(doc_id, "png"), original, "image/png")
    summaries = []
    for n, text in enumerate(pages, start=1):
        store.put_bytes(page_key(doc_id, n, "png"), original, "image/png")
        store.put_bytes(page_key(doc_id, n, "thumb.jpg"), _jpeg(160, 200), "image/jpeg")
        store.put_bytes(page_key(doc_id, n, "txt"), text.encode(), "text/plain; charset=utf-8")
        store.put_bytes(page_key(doc_id, n, "words.json"), json.dumps(layout_words(text)).encode(),
                        "application/json")
        store.put_bytes(page_key(doc_id, n, "pdf"), _pdf(width, height, 1), "application/pdf")
        summaries.append(PageSummary(number=n, method="ocr", lang=language, width=width, height=height,
                                     confidence=90.0, chars=len(text)))
    store.put_bytes(derivative_key(doc_id, "text.txt"), "\n\f".join(pages).encode(), "text/plain; charset=utf-8")
    store.put_bytes(derivative_key(doc_id, "searchable.pdf"), _pdf(width, height, len(pages)), "application/pdf")
    manifest = Manifest(
        id=doc_id, agency=agency,
        original=OriginalFile(filename=f"{title[:40]}.png", kind="png", ext="png", size=len(original), sha256=sha),
        visibility=visibility, shared_with=sorted(shared_with or []) if visibility == "shared" else [],
        status="processed", lang=language, dossier=dossier,
        metadata=Metadata(title=title, doc_type=doc_type, doc_number=doc_number, issued_date=issued_date,
                          dates=[issued_date] if issued_date else [], language=language, page_count=len(pages),
                          ocr_confidence=90.0),
        pages=summaries)
    store.put_json(manifest_key(doc_id), manifest.to_dict())
    index_document(backends, manifest, list(pages))
    return manifest


def backend_modes() -> list[str]:
    """Backend modes to test: `embedded` always; `distributed` when the test servers are named by
    RECORDS_TEST_ES_URL / RECORDS_TEST_S3_* / RECORDS_TEST_REDIS_URL (and always in CI, where they must be)."""
    import os

    wanted = os.environ.get("RECORDS_TEST_ES_URL") or os.environ.get("CI", "").lower() == "true"
    return ["embedded", "distributed"] if wanted else ["embedded"]


def mode_settings(mode: str, home, redis_db: int = 2) -> object:
    """Settings for `mode` with data under `home`. Distributed: a fresh ES index and S3 bucket per call, and Redis
    database `redis_db` emptied (each test module uses its own database so no other module's worker takes its jobs).
    """
    import os
    import uuid
    from pathlib import Path

    from settings import Settings

    if mode == "embedded":
        return Settings(home=Path(home), workers=1)
    if not os.environ.get("RECORDS_TEST_ES_URL"):
        raise RuntimeError("distributed mode needs RECORDS_TEST_ES_URL, RECORDS_TEST_S3_* and RECORDS_TEST_REDIS_URL "
                           '(eval "$(scripts/services.sh env)")')
    from urllib.parse import urlsplit, urlunsplit

    from redis import Redis

    parts = urlsplit(os.environ["RECORDS_TEST_REDIS_URL"])
    redis_url = urlunsplit((parts.scheme, parts.netloc, f"/{redis_db}", parts.query, parts.fragment))
    Redis.from_url(redis_url).flushdb()
    unique = uuid.uuid4().hex[:10]
    return Settings(home=Path(home), workers=1, es_url=os.environ["RECORDS_TEST_ES_URL"],
                    es_index=f"records-test-{unique}", redis_url=redis_url,
                    s3_endpoint=os.environ.get("RECORDS_TEST_S3_ENDPOINT"),
                    s3_access_key=os.environ.get("RECORDS_TEST_S3_ACCESS_KEY"),
                    s3_secret_key=os.environ.get("RECORDS_TEST_S3_SECRET_KEY"), s3_bucket=f"records-test-{unique}")


def drop_test_backends(backends) -> None:
    """Remove what a distributed test created (its ES indices and S3 bucket); nothing to do in embedded mode."""
    settings = backends.settings
    if settings.es_url and "index" in backends.__dict__:
        client = backends.index.client
        found = client.indices.get(index=f"{settings.es_index}*", ignore_unavailable=True, allow_no_indices=True)
        for name in found:  # by name: Elasticsearch refuses wildcard deletes by default
            client.indices.delete(index=name)
    if settings.s3_endpoint:
        client, bucket = backends.store.client, backends.store.bucket
        if client.bucket_exists(bucket):
            for obj in client.list_objects(bucket, recursive=True):
                client.remove_object(bucket, obj.object_name)
            client.remove_bucket(bucket)


def settings_env(settings) -> dict[str, str]:
    """RECORDS_* variables (besides RECORDS_HOME) that make a `records` process, e.g. `records worker`, use the same
    distributed backends."""
    env: dict[str, str] = {}
    for var, value in (("RECORDS_REDIS_URL", settings.redis_url), ("RECORDS_ES_URL", settings.es_url),
                       ("RECORDS_ES_INDEX", settings.es_index if settings.es_url else None),
                       ("RECORDS_S3_ENDPOINT", settings.s3_endpoint), ("RECORDS_S3_ACCESS_KEY", settings.s3_access_key),
                       ("RECORDS_S3_SECRET_KEY", settings.s3_secret_key),
                       ("RECORDS_S3_BUCKET", settings.s3_bucket if settings.s3_endpoint else None)):
        if value:
            env[var] = value
    return env
