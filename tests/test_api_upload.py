"""Uploading real scans over HTTP: the batch is accepted at once (202), its ledger moves through the states while
real OCR runs, and the documents become searchable with word boxes to highlight."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from catalog import add_user, open_catalog
from search_api.app import create_app
from search_api.testing import LiveServer, backend_modes, drop_test_backends, mode_settings, settings_env
from tests.conftest import REPO, records_env
from tests.sample_set import SampleSet

pytestmark = pytest.mark.slow


def _wait(client: httpx.Client, url: str, headers: dict, timeout: float = 240) -> tuple[dict, list[str]]:
    """Poll a batch until done; returns the final status and every file state seen on the way."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(url, headers=headers).json()
        seen += [f["status"] for f in status["files"]]
        if status["done"]:
            return status, seen
        time.sleep(0.3)
    raise AssertionError(f"batch not done after {timeout}s: {status}")


def _wait_queued(client: httpx.Client, url: str, headers: dict) -> list[str]:
    """Wait until the API has handed every file to the queue; returns the file states seen."""
    seen: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = client.get(url, headers=headers).json()
        seen += [f["status"] for f in status["files"]]
        if status["state"] != "processing":
            return seen
        time.sleep(0.2)
    raise AssertionError(f"batch never reached the queue: {status}")


@pytest.mark.parametrize("mode", backend_modes())
def test_upload_real_scans_then_search_and_highlight(mode: str, tmp_path: Path, sample_set: SampleSet) -> None:
    english, vietnamese = sample_set.scan("eng"), sample_set.scan("vie")
    query = max(english.phrase.split(), key=len).lower()  # a word of its heading, e.g. "ellison" or "riverton"
    settings = mode_settings(mode, tmp_path / "home", redis_db=3)
    from workers.backends import open_backends

    backends = open_backends(settings)
    cat = open_catalog(settings)
    _, token = add_user(cat, "clerk", "so-a", "clerk")
    cat.close()
    headers = {"Authorization": f"Bearer {token}"}
    broken = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n"  # a PDF header and nothing behind it
    with LiveServer(create_app(settings, backends=backends)) as server, \
            httpx.Client(base_url=server.url, timeout=60) as client:
        started = time.monotonic()
        r = client.post("/api/batches", headers=headers, data={"visibility": "private", "lang": "auto"}, files=[
            ("files", (english.path.name, english.path.read_bytes(), "image/png")),
            ("files", (vietnamese.path.name, vietnamese.path.read_bytes(), "image/png")),
            ("files", ("broken.pdf", broken, "application/pdf"))])
        assert r.status_code == 202 and time.monotonic() - started < 5, "acknowledged before OCR runs"
        queued: list[str] = []
        if mode == "distributed":  # the batch is queued on Redis; a real worker process does the OCR
            queued = _wait_queued(client, r.json()["status_url"], headers)
            assert "queued" in queued
            worker = subprocess.run([sys.executable, "-m", "cli.main", "worker", "--burst"], cwd=REPO, timeout=600,
                                    env=records_env(settings.home, **settings_env(settings)), capture_output=True,
                                    text=True)
            assert worker.returncode == 0, worker.stderr[-2000:]
        status, seen = _wait(client, r.json()["status_url"], headers)
        seen += queued
        by_name = {f["name"]: f for f in status["files"]}
        assert by_name[english.path.name]["status"] == by_name[vietnamese.path.name]["status"] == "processed"
        assert by_name["broken.pdf"]["status"] == "rejected"
        assert by_name["broken.pdf"]["documents"][0]["error"], "a rejected file says why"
        assert status["counts"] == {"processed": 2, "duplicate": 0, "rejected": 1, "failed": 0}
        assert "received" in seen or "queued" in seen or "processing" in seen, "progress was visible while running"
        doc_id = by_name[english.path.name]["documents"][0]["id"]

        found = client.get("/api/search", headers=headers, params={"q": query}).json()
        assert [h["id"] for h in found["hits"]] == [doc_id]
        assert found["hits"][0]["pages"] == [1] and "<mark>" in found["hits"][0]["highlights"][0]
        words = client.get(f"/api/documents/{doc_id}/pages/1/words", headers=headers,
                           params={"q": query}).json()
        assert words["highlights"] and all(b["text"].lower().startswith(query) for b in words["highlights"])
        assert client.get(f"/api/documents/{doc_id}/original", headers=headers).content == english.path.read_bytes()
        assert client.get(f"/api/documents/{doc_id}/pdf", headers=headers).content.startswith(b"%PDF")

        again = client.post("/api/batches", headers=headers,
                            files={"files": ("copy.png", english.path.read_bytes(), "image/png")})
        status, _ = _wait(client, again.json()["status_url"], headers)
        assert status["documents"][0]["status"] == "duplicate" and status["documents"][0]["duplicate_of"] == doc_id
    drop_test_backends(backends)
    backends.close()
