"""The command line around the pipeline: search output, show, status, reindex from the store."""

from __future__ import annotations

from pathlib import Path

from conftest import records_json, run_records
from sample_set import SampleSet


def test_reindex_rebuilds_a_lost_or_corrupt_index_from_the_store(env: dict, home: Path, samples: Path) -> None:
    ingested = records_json(["ingest", str(samples / "s_en_02.pdf"), str(samples / "s_vi_04.pdf")], env)
    ids = {d["id"] for d in ingested["documents"]}
    before = records_json(["search", "Clearpath"], env)
    assert [h["id"] for h in before["hits"]] and before["hits"][0]["id"] in ids

    for path in (home / "index").iterdir():  # the index is derived data: damage it
        if path.is_file():
            path.write_bytes(b"garbage")
    broken = run_records(["search", "Clearpath"], env, check=False)
    assert broken.returncode != 0 and "records reindex" in broken.stderr

    assert records_json(["reindex"], env) == {"indexed": 2}
    after = records_json(["search", "Clearpath"], env)
    assert [h["id"] for h in after["hits"]] == [h["id"] for h in before["hits"]]
    assert records_json(["search", ""], env)["total"] == 2


def test_status_counts_documents_per_state(env: dict, sample_set: SampleSet, tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    records_json(["ingest", str(sample_set.quickest("eng").path), str(empty)], env)  # the empty file: rejected, exit 0
    status = records_json(["status"], env)
    assert status["documents"] == {"processed": 1}
    assert status["indexed"] == 1 and status["pages"] == 1 and status["mode"] == "embedded"


def test_plain_output_for_people(env: dict, samples: Path) -> None:
    ingest = run_records(["ingest", str(samples / "s_en_02.pdf")], env).stdout
    assert "1 processed" in ingest
    search = run_records(["search", "Clearpath"], env).stdout
    assert "1 document(s)" in search and "[Clearpath]" in search and "pages 1" in search
    doc_id = records_json(["search", "Clearpath"], env)["hits"][0]["id"]
    shown = run_records(["show", doc_id], env).stdout
    assert "processed" in shown and "meeting_minutes" in shown and "Clearpath Imaging Services" in shown


def test_show_of_an_unknown_id_is_a_clear_error(env: dict) -> None:
    proc = run_records(["show", "0123456789abcdef01234567"], env, check=False)
    assert proc.returncode == 2 and "no document" in proc.stderr


def test_as_user_has_exactly_that_users_rights_and_is_audited(env: dict, samples: Path) -> None:
    private_a = records_json(["ingest", str(samples / "s_en_02.pdf"), "--agency", "agency-a"], env)["documents"][0]
    public_b = records_json(["ingest", str(samples / "s_vi_04.pdf"), "--agency", "agency-b",
                             "--visibility", "public"], env)["documents"][0]
    for name, agency, role in (("officer-a", "agency-a", "officer"), ("officer-c", "agency-c", "officer"),
                               ("clerk-b", "agency-b", "clerk")):
        assert records_json(["users", "add", name, "--agency", agency, "--role", role], env)["token"]

    def visible_to(user: str, query: str = "") -> set[str]:
        return {h["id"] for h in records_json(["search", query, "--as", user], env)["hits"]}

    assert visible_to("officer-a") == {private_a["id"], public_b["id"]}
    assert visible_to("officer-c") == {public_b["id"]}
    assert visible_to("officer-c", "Clearpath") == set()
    assert visible_to("clerk-b") == {public_b["id"]}
    assert records_json(["search", "", "--as", "officer-c", "--agency", "agency-a"], env)["total"] == 0

    denied = run_records(["show", private_a["id"], "--as", "officer-c"], env, check=False)
    assert denied.returncode == 2 and "no document" in denied.stderr
    assert records_json(["show", private_a["id"], "--as", "officer-a"], env)["agency"] == "agency-a"
    unknown = run_records(["search", "x", "--as", "nobody"], env, check=False)
    assert unknown.returncode == 2 and "nobody" in unknown.stderr

    audit = run_records(["audit", "--user", "officer-c", "--json"], env).stdout
    assert '"action": "search"' in audit and "Clearpath" in audit
