"""`records serve` as a user starts it: a real process, configured by RECORDS_HOME, answering over HTTP."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import REPO, records_json


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_records_serve_process(env: dict[str, str], home: Path) -> None:
    user = records_json(["users", "add", "thao", "--agency", "so-noi-vu", "--role", "officer"], env)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", "--port", str(port)], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.stdout.read()
            assert time.monotonic() < deadline, "records serve did not become ready within 60 s"
            time.sleep(0.2)
        headers = {"Authorization": f"Bearer {user['token']}"}
        assert httpx.get(f"{url}/api/me", headers=headers).json()["agency"] == "so-noi-vu"
        empty = httpx.get(f"{url}/api/search", params={"q": "anything"}, headers=headers).json()
        assert empty["total"] == 0 and empty["hits"] == []
        assert httpx.get(f"{url}/api/search").status_code == 401
        assert (home / "catalog.sqlite3").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
