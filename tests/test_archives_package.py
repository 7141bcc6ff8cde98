"""Transfer packages end to end: real scans are ingested (real OCR), put in a dossier of a fonds and exported
with `records export`; the bag validates with `bagit`, the METS against the METS 1.12.1 schema (offline, XLink
resolved to the copy beside it), every archival PDF and every stored searchable PDF with veraPDF as PDF/A-2b;
`records import-package` into an empty Records gives the same ids, metadata, text, dossier and search results,
and refuses a tampered bag."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import bagit
import pytest
from lxml import etree

from conftest import REPO, SAMPLES, SHARED, records_env, records_json, run_records

SCHEMAS = SHARED / "schemas"
SCANS = ("s_vi_01.png", "s_en_02.pdf", "s_en_01.png")


class _LocalSchemas(etree.Resolver):
    """Resolves the METS schema's XLink import to the copy in shared/schemas (there is no network)."""

    def resolve(self, url, pubid, context):
        name = url.rsplit("/", 1)[-1]
        if (SCHEMAS / name).is_file():
            return self.resolve_filename(str(SCHEMAS / name), context)
        return None


def mets_schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "mets-1.12.1.xsd"), parser))


def verapdf(pdfs: list[Path]) -> dict[str, tuple[bool, str]]:
    """veraPDF's verdict on each PDF (one JVM for all): name -> (compliant, profile)."""
    proc = subprocess.run([str(REPO / "scripts" / "verapdf.sh"), "validate", *map(str, pdfs)], capture_output=True,
                          text=True, timeout=600)
    assert "<report" in proc.stdout, proc.stderr[-2000:]
    out = {}
    for job in ET.fromstring(proc.stdout[proc.stdout.index("<report"):]).iter("job"):
        path = Path(job.find("item/name").text)
        name = f"{path.parent.name}/{path.name}"
        report = job.find("validationReport")
        assert report is not None, ET.tostring(job)[:1000]
        out[name] = (report.get("isCompliant") == "true", report.get("profileName"))
    return out


def _cli(env, *args):
    return run_records(list(args), env, timeout=300)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    base = tmp_path_factory.mktemp("package")
    inbox = base / "inbox"
    inbox.mkdir()
    for name in SCANS:
        shutil.copy(SAMPLES / name, inbox / name)
    env = records_env(base / "source")
    summary = records_json(["ingest", str(inbox), "--agency", "so-tn", "--visibility", "public"], env)
    ids = sorted(d["id"] for d in summary["documents"] if d["status"] == "processed")
    assert len(ids) == len(SCANS), summary
    _cli(env, "users", "add", "admin1", "--agency", "so-tn", "--role", "admin")
    _cli(env, "fonds", "add", "STNMT", "--name", "Sở Tài nguyên và Môi trường", "--agency", "so-tn")
    _cli(env, "dossier", "create", "HS-2024-07", "--title", "Hồ sơ giao đất năm 2024", "--agency", "so-tn",
         "--fonds", "STNMT", "--retention", "permanent", "--access-level", "public", "--keywords", "đất đai, giao đất",
         "--physical-condition", "good", "--paper-code", "GIAY-07", "--language", "vie")
    _cli(env, "dossier", "add", "HS-2024-07", *ids, "--as", "admin1")
    _cli(env, "dossier", "access-level", "restricted", ids[0], "--as", "admin1")
    out = base / "bag"
    result = records_json(["export", "--dossier", "HS-2024-07", "--fonds", "STNMT", str(out), "--as", "admin1"], env)
    assert sorted(result["documents"]) == ids and result["fixity_failures"] == []
    return env, ids, out, base


def test_bag_mets_and_pdfa_validate(exported) -> None:
    _, ids, out, _ = exported
    bag = bagit.Bag(str(out))
    assert bag.is_valid() and bag.info["External-Identifier"] == "HS-2024-07"
    assert bag.info["Source-Organization"] == "so-tn" and bag.info["Bag-Group-Identifier"] == "STNMT"
    mets = etree.parse(str(out / "data" / "mets.xml"))
    schema = mets_schema()
    assert schema.validate(mets), schema.error_log
    ns = {"m": "http://www.loc.gov/METS/", "x": "http://www.w3.org/1999/xlink", "p": "http://www.loc.gov/premis/v3",
          "t": "urn:records:tt-bnv-05-2025"}
    # Every file the METS names is in the bag with the checksum the METS gives.
    files = mets.findall(".//m:file", ns)
    assert len(files) > 3 * len(ids)
    for f in files:
        href = f.find("m:FLocat", ns).get("{http://www.w3.org/1999/xlink}href")
        assert bag.entries[href]["sha256"] == f.get("CHECKSUM"), href
    originals = mets.findall(".//m:fileGrp[@USE='original']/m:file", ns)
    assert len(originals) == len(ids)
    # The circular's fields and PREMIS events are there.
    assert mets.findtext(".//t:dossier/t:fonds_code", namespaces=ns) == "STNMT"
    assert mets.findtext(".//t:dossier/t:retention", namespaces=ns) == "permanent"
    assert [k.text for k in mets.findall(".//t:dossier/t:keyword", ns)] == ["đất đai", "giao đất"]
    assert sorted(d.text for d in mets.findall(".//t:document/t:identifier", ns)) == ids
    events = [e.text for e in mets.findall(".//p:event/p:eventType", ns)]
    for kind in ("ingestion", "creation", "fixity check", "migration", "metadata modification"):
        assert kind in events, kind
    assert {o.text for o in mets.findall(".//p:eventOutcome", ns)} <= {"success", "pass"}
    # The archival PDFs are PDF/A-2b for veraPDF (one JVM for all of them).
    # The searchable PDF the pipeline stores (and serves) is PDF/A already; the export's archival.pdf too.
    pdfs = sorted((out / "data" / "documents").glob("*/archival.pdf"))
    assert [p.parent.name for p in pdfs] == ids
    stored = sorted((out / "data" / "documents").glob("*/searchable.pdf"))
    verdicts = verapdf(pdfs + stored)
    assert set(verdicts) == {f"{i}/{name}" for i in ids for name in ("archival.pdf", "searchable.pdf")}
    for doc_id, (ok, profile) in verdicts.items():
        assert ok, f"{doc_id} is not PDF/A-2b ({profile})"
        assert "PDF/A-2B" in profile


def _search(home: Path, queries: list[str]) -> list:
    """Each query's total and ranked (id, pages, title, dossier), from the Records in `home`."""
    from index.base import Access, SearchRequest
    from settings import Settings
    from workers.backends import open_backends

    backends = open_backends(Settings(home=home))
    try:
        out = []
        for q in queries:
            result = backends.index.search(SearchRequest(query=q, access=Access(agency="so-tn"), limit=50))
            out.append((q, result.total, [(h.id, h.pages, h.title, h.dossier) for h in result.hits]))
        return out
    finally:
        backends.close()


def test_import_package_round_trip(exported) -> None:
    env, ids, out, base = exported
    # A tampered copy is refused, and nothing of it is stored.
    tampered = base / "tampered"
    shutil.copytree(out, tampered)
    text = next((tampered / "data" / "documents").glob("*/text.txt"))
    text.write_text(text.read_text() + " forged")
    target = records_env(base / "target")
    refused = run_records(["import-package", str(tampered)], target, check=False)
    assert refused.returncode == 2 and "does not validate" in refused.stderr
    assert not (base / "target" / "store" / "documents").exists()

    linked = base / "linked"
    shutil.copytree(out, linked)
    (linked / "data" / "documents" / ids[0] / "secret.txt").symlink_to("/etc/hostname")
    refused = run_records(["import-package", str(linked)], target, check=False)
    assert refused.returncode == 2 and "symbolic links" in refused.stderr

    result = records_json(["import-package", str(out)], target)
    assert sorted(result["imported"]) == ids and result["already_present"] == []
    for doc_id in ids:
        a, b = records_json(["show", doc_id], env), records_json(["show", doc_id], target)
        assert b["id"] == doc_id
        for key in ("metadata", "agency", "visibility", "dossier", "original", "pages", "revisions", "access_level",
                    "text", "created_at"):
            assert a[key] == b[key], key
    da, db = records_json(["dossier", "show", "HS-2024-07"], env), records_json(["dossier", "show", "HS-2024-07"],
                                                                                  target)
    assert da == db
    assert records_json(["fonds", "list"], target)[0]["name"] == "Sở Tài nguyên và Môi trường"
    words = set()
    for doc_id in ids:
        text = records_json(["show", doc_id], env)["text"]
        words.update(w for w in text.split()[:40] if len(w) > 5 and w.isalpha())
    queries = [*sorted(words)[:6], "", "HS-2024-07"]
    assert len(queries) >= 6
    assert _search(base / "source", queries) == _search(base / "target", queries)
    assert records_json(["search", queries[0]], target)["total"] >= 1
    # Importing the same package again changes nothing.
    again = records_json(["import-package", str(out)], target)
    assert again["imported"] == [] and sorted(again["already_present"]) == ids
    assert json.loads((base / "target" / "store" / "dossiers" / "HS-2024-07.json").read_text())["documents"] == \
        records_json(["dossier", "show", "HS-2024-07"], env)["documents"]
