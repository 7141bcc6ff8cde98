"""Tools of the fault tests: a private Redis the test may flush or stop, a TCP proxy the test can cut to make a
shared server (Elasticsearch, S3) unreachable for a while without stopping it, and the documents-in / processed /
lost / duplicated tally every fault test prints. Everything is bounded in time; nothing stops a shared server."""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Small, quick inputs: two scans that need real OCR and born-digital PDFs (text layer, no OCR) made unique.
OCR_SAMPLES = ("s_en_04.jpg", "s_ur_01.png")
BORN_DIGITAL = ("s_en_02.pdf", "s_vi_04.pdf")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_batch(folder: Path, samples: Path, copies: int, ocr: tuple[str, ...] = OCR_SAMPLES) -> list[Path]:
    """`ocr` scans plus `copies` unique born-digital PDFs (a PDF comment after %%EOF makes each one unique)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in ocr:
        paths.append(Path(shutil.copy(samples / name, folder / name)))
    for n in range(copies):
        data = (samples / BORN_DIGITAL[n % 2]).read_bytes() + f"\n% copy {n}\n".encode()
        path = folder / f"digital-{n:03d}.pdf"
        path.write_bytes(data)
        paths.append(path)
    return paths


class PrivateRedis:
    """A redis-server of the test's own on a free port (no persistence): flush it, stop it, start it again."""

    def __init__(self, workdir: Path) -> None:
        self.port, self.workdir = free_port(), workdir
        self.proc: subprocess.Popen | None = None
        workdir.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> PrivateRedis:
        if shutil.which("redis-server") is None:
            pytest.fail("redis-server is not installed (scripts/services.sh installs it)")
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(self.workdir)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return self
            time.sleep(0.1)
        raise RuntimeError("private redis-server did not start")

    def flush(self) -> None:
        from redis import Redis

        Redis.from_url(self.url).flushall()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=20)


class TcpProxy:
    """127.0.0.1:<port> forwarding to `target` ("http://host:port"); `cut()` drops every connection and refuses new
    ones (the server looks down), `restore()` forwards again."""

    def __init__(self, target: str) -> None:
        parts = urlsplit(target)
        self.target = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.scheme = parts.scheme or "http"
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.closed = False
        self.conns: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.up = False
        with self.lock:
            for s in self.conns:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                    s.close()
            self.conns.clear()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.closed = True
        self.cut()
        self.listener.close()


@dataclass
class Tally:
    """Documents in / processed / lost / duplicated, as every fault test prints and asserts."""

    name: str
    documents_in: int
    processed: int
    lost: int
    duplicated: int

    def show(self) -> Tally:
        print(f"\nFAULT {self.name}: " + json.dumps({"in": self.documents_in, "processed": self.processed,
                                                    "lost": self.lost, "duplicated": self.duplicated}))
        return self


def tally(name: str, backends, expected_ids: set[str], show: bool = True) -> Tally:
    """Count from the system of record (manifests) and the index: each expected document must be processed and
    indexed exactly once, and nothing else may exist."""
    from documents.model import Manifest, manifest_key

    stored = list(backends.store.document_ids())
    processed = {d for d in stored
                 if Manifest.from_dict(backends.store.get_json(manifest_key(d))).status == "processed"}
    indexed = list(backends.index.ids())
    lost = len(expected_ids - (processed & set(indexed)))
    duplicated = (len(stored) - len(set(stored))) + (len(indexed) - len(set(indexed))) \
        + len(set(stored) - expected_ids) + len(set(indexed) - expected_ids)
    result = Tally(name, len(expected_ids), len(processed & expected_ids), lost, duplicated)
    return result.show() if show else result


def expected_ids(paths: list[Path], agency: str) -> set[str]:
    """The document id each input must end as (content hash and agency)."""
    import hashlib

    from documents.model import document_id

    return {document_id(hashlib.sha256(p.read_bytes()).hexdigest(), agency) for p in paths}
