"""A batch acknowledged (202) but not finished when the server stopped is finished after a restart: its files were
spooled durably before the acknowledgement. One whose files are gone is failed with a reason, never left hanging."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import httpx

from catalog import add_user, open_catalog
from catalog.batches import create_batch
from search_api.app import create_app
from search_api.testing import LiveServer
from search_api.uploads import spool_name
from settings import Settings


def test_unfinished_batches_resume_after_restart(tmp_path: Path, samples: Path) -> None:
    settings = Settings(home=tmp_path / "home", workers=1)
    cat = open_catalog(settings)
    _, token = add_user(cat, "clerk", "so-a", "clerk")
    # The state a crash leaves: batches recorded as processing, one with its spooled file, one without.
    options = {"visibility": "private", "shared_with": [], "lang": "auto", "dossier": None, "tags": [], "wait": True}
    create_batch(cat, "20260101T000000-aaaa0001", "so-a", "clerk", options, [("minutes.pdf", 1)])
    spool = settings.home / "uploads" / "20260101T000000-aaaa0001"
    spool.mkdir(parents=True)
    shutil.copyfile(samples / "s_en_02.pdf", spool / spool_name(0, "minutes.pdf"))
    create_batch(cat, "20260101T000000-aaaa0002", "so-a", "clerk", options, [("lost.png", 1)])
    cat.close()
    headers = {"Authorization": f"Bearer {token}"}
    with LiveServer(create_app(settings)) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        deadline = time.monotonic() + 120
        while True:
            status = client.get("/api/batches/20260101T000000-aaaa0001", headers=headers).json()
            if status["done"] or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert status["files"][0]["status"] == "processed", status
        assert status["documents"][0]["path"] == "minutes.pdf"
        lost = client.get("/api/batches/20260101T000000-aaaa0002", headers=headers).json()
        assert lost["done"] and lost["state"] == "failed" and "upload it again" in lost["error"]
        assert lost["files"][0]["status"] == "failed"
        assert (lost["outcome"], lost["exit_code"]) == ("attention", 1)  # docs/cli.md, exit status of batches
    assert not spool.exists(), "the spool is removed once the batch is stored"
