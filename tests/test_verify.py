"""`records verify`: one flipped byte in a stored original and one in a derivative are both reported by document
id; `--repair` mends the derivative (re-derived from the original) and never touches the original. Index drift
(a processed document missing from the index, an index entry without a manifest) is found and mended too."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from conftest import records_env, records_json, run_records
from documents.model import Manifest


def _flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def _verify(env: dict, *extra: str) -> tuple[int, dict]:
    proc = run_records(["verify", *extra, "--json"], env, check=False)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def test_flipped_bytes_are_found_and_only_the_derivative_is_repaired(tmp_path: Path, home: Path,
                                                                      samples: Path) -> None:
    env = records_env(home)
    scan, pdf = tmp_path / "scan.jpg", tmp_path / "minutes.pdf"
    shutil.copy(samples / "s_en_04.jpg", scan)
    shutil.copy(samples / "s_en_02.pdf", pdf)
    docs = {Path(d["path"]).name: d["id"] for d in records_json(["ingest", str(scan), str(pdf)], env)["documents"]}
    code, clean = _verify(env)
    assert code == 0 and clean == {"checked": 2, "ok": True, "problems": [], "unhashed": 0}

    store = home / "store" / "documents"
    original = store / docs["minutes.pdf"] / "original.pdf"
    original_before = original.read_bytes()
    _flip(original, len(original_before) // 2)
    derivative = store / docs["scan.jpg"] / "pages" / "0001.png"
    _flip(derivative, derivative.stat().st_size // 2)

    code, found = _verify(env)
    assert code == 1 and found["checked"] == 2 and not found["ok"]
    by_id = {(p["id"], p["object"]): p["problem"] for p in found["problems"]}
    assert set(by_id) == {(docs["minutes.pdf"], "original.pdf"), (docs["scan.jpg"], "pages/0001.png")}
    assert "never re-derived" in by_id[(docs["minutes.pdf"], "original.pdf")]
    assert "sha256 differs" in by_id[(docs["scan.jpg"], "pages/0001.png")]

    code, repaired = _verify(env, "--repair")
    assert code == 1  # the damaged original is still damaged: only a backup can mend it
    states = {(p["id"], p["object"]): p["repaired"] for p in repaired["problems"]}
    assert states == {(docs["minutes.pdf"], "original.pdf"): False, (docs["scan.jpg"], "pages/0001.png"): True}
    manifest = Manifest.from_dict(json.loads((store / docs["scan.jpg"] / "manifest.json").read_text()))
    assert hashlib.sha256(derivative.read_bytes()).hexdigest() == manifest.pages[0].sha256["png"]
    assert original.read_bytes() != original_before  # reported, never silently replaced

    code, after = _verify(env)
    assert code == 1 and [(p["id"], p["object"]) for p in after["problems"]] == [(docs["minutes.pdf"],
                                                                                 "original.pdf")]
    text = run_records(["verify"], env, check=False)
    assert text.returncode == 1 and f"{docs['minutes.pdf']}  original.pdf: original damaged" in text.stdout
    # the repaired document is still found by its words
    hits = records_json(["search", '"certificate of occupancy"'], env)["hits"]
    assert [h["id"] for h in hits] == [docs["scan.jpg"]]


def test_index_drift_and_orphans_are_reported_and_repaired(tmp_path: Path, home: Path, samples: Path) -> None:
    env = records_env(home)
    for name in ("s_en_02.pdf", "s_vi_04.pdf"):
        shutil.copy(samples / name, tmp_path / name)
    docs = records_json(["ingest", str(tmp_path / "s_en_02.pdf"), str(tmp_path / "s_vi_04.pdf")], env)["documents"]
    gone, kept = docs[0]["id"], docs[1]["id"]
    words = records_json(["show", gone], env)["text"].split()[:3]
    shutil.rmtree(home / "store" / "documents" / gone)  # the document left the store but not the index
    orphan = home / "store" / "documents" / "0123456789abcdef01234567" / "original.pdf"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"%PDF-1.4 interrupted")  # an original whose manifest was never written
    code, found = _verify(env)
    assert code == 1 and sorted((p["id"], p["object"]) for p in found["problems"]) == sorted(
        [(gone, "index"), ("0123456789abcdef01234567", "original.pdf")])
    code, mended = _verify(env, "--repair")
    assert code == 0 and all(p["repaired"] for p in mended["problems"])
    assert records_json(["search", " ".join(words)], env)["total"] == 0 and not orphan.exists()

    from settings import Settings
    from workers.backends import open_backends

    backends = open_backends(Settings(home=home))
    backends.index.delete([kept])  # a processed document missing from the index
    backends.close()
    code, found = _verify(env)
    assert code == 1 and found["problems"] == [{"id": kept, "object": "index",
                                                "problem": "processed but missing from the search index"}]
    code, _ = _verify(env, "--repair")
    assert code == 0
    assert [h["id"] for h in records_json(["search", "", "--limit", "10"], env)["hits"]] == [kept]
    assert _verify(env) == (0, {"checked": 1, "ok": True, "problems": [], "unhashed": 0})


def test_corrections_record_their_hashes_so_verify_still_passes(tmp_path: Path, home: Path, samples: Path) -> None:
    """Corrected text and a rotated page are changes, not damage: each records the new hashes of what it rewrote
    (page text, word boxes, page PDF, searchable PDF, full text), so verify stays clean and still finds real damage
    on an edited document."""
    env = records_env(home)
    scan = tmp_path / "letter.jpg"
    shutil.copy(samples / "s_en_04.jpg", scan)
    [doc] = records_json(["ingest", str(scan)], env)["documents"]
    corrected = tmp_path / "page1.txt"
    corrected.write_text("Harbor View Road notice, corrected by a clerk\n", encoding="utf-8")
    records_json(["text", doc["id"], "--page", "1", "--from", str(corrected)], env)
    records_json(["rotate", doc["id"], "--page", "1", "--degrees", "180"], env)
    records_json(["text", doc["id"], "--page", "1", "--from", str(corrected)], env)
    code, report = _verify(env)
    assert code == 0 and report["ok"] and report["problems"] == [], report

    text = home / "store" / "documents" / doc["id"] / "text.txt"
    _flip(text, 3)
    code, found = _verify(env)
    assert code == 1 and [(p["id"], p["object"]) for p in found["problems"]] == [(doc["id"], "text.txt")]
