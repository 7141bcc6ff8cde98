"""The correction commands as a person types them: `records edit`, `text`, `delete`, `trash`, `restore`, `purge`,
with the local administrator's rights and with `--as USER` (exactly the API's rights)."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO, records_json, run_records


def test_edit_correct_delete_restore_purge_from_the_command_line(env: dict, samples) -> None:
    doc = records_json(["ingest", str(samples / "s_en_02.pdf"), "--agency", "so-a"], env)["documents"][0]["id"]
    clerk = run_records(["users", "add", "lan", "--agency", "so-a", "--role", "clerk"], env).stdout
    assert clerk
    run_records(["users", "add", "binh", "--agency", "so-b", "--role", "admin"], env)
    run_records(["users", "add", "hoa", "--agency", "so-a", "--role", "admin"], env)

    bad = run_records(["edit", doc, "--set", "issued_date=2024-13-01"], env, check=False)
    assert bad.returncode == 2 and "not a real calendar date" in bad.stderr
    other = run_records(["edit", doc, "--set", "title=x", "--as", "binh"], env, check=False)
    assert other.returncode == 2 and f"no document {doc}" in other.stderr  # another agency: as if it did not exist
    edited = records_json(["edit", doc, "--set", "title=Minutes of the harbour board", "--set", "tags=port, 2024",
                           "--as", "lan"], env)
    assert edited["metadata"]["title"] == "Minutes of the harbour board"
    assert edited["metadata_source"]["title"] == "edited" and edited["tags"] == ["port", "2024"]
    assert [h["id"] for h in records_json(["search", "harbour board", "--tag", "port"], env)["hits"]] == [doc]

    text = records_json(["text", doc, "--page", "1"], env)["text"]
    word = next(w for w in text.split() if w.isalpha() and len(w) > 5)
    fixed = text.replace(word, "Zqcorrected", 1)
    proc = subprocess.run([sys.executable, "-m", "cli.main", "text", doc, "--page", "1", "--from", "-", "--as", "lan",
                           "--json"], input=fixed, env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert records_json(["search", "Zqcorrected"], env)["total"] == 1
    shown = records_json(["show", doc], env)
    assert shown["pages"][0]["text_edited"] and "Zqcorrected" in shown["text"]
    assert [r["action"] for r in shown["revisions"]][-1] == "text"

    refused = run_records(["delete", doc, "--as", "lan"], env, check=False)
    assert refused.returncode == 2 and "may not delete" in refused.stderr
    records_json(["delete", doc, "--as", "hoa"], env)
    assert records_json(["search", "Zqcorrected"], env)["total"] == 0
    assert [d["id"] for d in records_json(["trash", "--as", "hoa"], env)["documents"]] == [doc]
    assert records_json(["trash", "--as", "binh"], env)["documents"] == []
    records_json(["restore", doc, "--as", "hoa"], env)
    assert records_json(["search", "Zqcorrected"], env)["total"] == 1

    records_json(["delete", doc, "--as", "hoa"], env)
    early = run_records(["purge", doc, "--as", "hoa"], env, check=False)
    assert early.returncode == 2 and "--force" in early.stderr
    purged = records_json(["purge", doc, "--force", "--as", "hoa"], env)["purged"]
    assert purged[0]["id"] == doc and purged[0]["tombstone"]["title"] == "Minutes of the harbour board"
    gone = run_records(["show", doc], env, check=False)
    assert gone.returncode == 2
    log = run_records(["audit", "--target", doc, "--action", "purge", "--json"], env).stdout
    assert "tombstone" in log and "hoa" in log


def test_split_offers_the_second_letter_and_makes_two_documents(env: dict, samples) -> None:
    """`s_vi_03.tif` holds two letters scanned into one file: `records split` offers page 2 (where the metadata
    extractor sees the second header), and splitting there gives two documents with their own titles and numbers,
    pointing to the original file's pages."""
    bundled = json.loads((samples / "s_vi_03.meta.json").read_text(encoding="utf-8"))["bundled_documents"]
    doc = records_json(["ingest", str(samples / "s_vi_03.tif"), "--agency", "so-a"], env)["documents"][0]["id"]
    assert records_json(["split", doc], env)["suggested"] == [b["first_page"] for b in bundled[1:]]
    parts = records_json(["split", doc, "--at", str(bundled[1]["first_page"])], env)["documents"]
    for part, expected in zip(parts, bundled, strict=True):
        shown = records_json(["show", part["id"]], env)
        assert shown["metadata"]["title"] == expected["title"]
        assert shown["metadata"]["doc_number"] == expected["document_number"]
        assert [p["source"] for p in shown["pages"]] == [
            {"doc": doc, "page": expected["first_page"] + i} for i in range(expected["page_count"])]
        assert shown["derived_from"] == [doc]
    hits = {h["id"] for h in records_json(["search", ""], env)["hits"]}
    assert hits == {p["id"] for p in parts}  # the bundle itself left search
    assert records_json(["show", doc], env)["superseded_by"] == [p["id"] for p in parts]


def test_rotate_reads_the_turned_page_again(env: dict, samples) -> None:
    """A page turned the wrong way reads as nonsense; turning it back reads it again (the original is untouched)."""
    doc = records_json(["ingest", str(samples / "s_en_01.png"), "--agency", "so-a"], env)["documents"][0]["id"]
    original = run_records(["show", doc, "--json"], env).stdout
    upside_down = records_json(["rotate", doc, "--page", "1", "--degrees", "180"], env)
    assert records_json(["search", "Okafor"], env)["total"] == 0
    assert any(f["reason"] == "low_confidence" for f in upside_down["flags"])
    records_json(["rotate", doc, "--page", "1", "--degrees", "180"], env)
    shown = records_json(["show", doc], env)
    assert "Okafor" in shown["text"] and shown["pages"][0]["rotation"] == 0
    assert [r["action"] for r in shown["revisions"]] == ["rotate", "rotate"]
    assert json.loads(original)["original"] == shown["original"]
