"""`records export --dossier CODE OUT`: a dossier as a BagIt bag for transfer to the historical archive.

    OUT/bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt
    OUT/data/mets.xml                         METS + PREMIS + the circular's metadata (archives.mets)
    OUT/data/dossier.json, fonds.json         the Records records, for an exact re-import
    OUT/data/documents/<id>/original.<ext>    the original, byte for byte
    OUT/data/documents/<id>/archival.pdf      the searchable PDF as PDF/A-2b (archives.pdfa)
    OUT/data/documents/<id>/text.txt, pages/  page text (and the other stored derivatives: images, word boxes)
    OUT/data/documents/<id>/manifest.json     the manifest (metadata, revisions)
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import bagit

from archives.access import can_manage_archive
from archives.dossiers import dossier_view, visible_dossier
from archives.mets import Event, PackagedDocument, PackagedFile, build_mets
from archives.model import ArchiveConflict, InvalidRecord
from archives.pdfa import to_pdfa
from archives.repository import dossier_manifests, get_fonds
from changes.core import ChangeRefused, Editor
from documents.errors import NotFound
from documents.model import Manifest, derivative_key, now_iso

PACKAGE_VERSION = "1"
_USES = {"original": "original", "archival.pdf": "archival-pdf", "text.txt": "text", "manifest.json": "manifest",
         "searchable.pdf": "searchable-pdf"}


@dataclass
class ExportSummary:
    """What went into the bag."""

    path: str
    dossier: str
    documents: list[str] = field(default_factory=list)
    files: int = 0
    bytes: int = 0
    fixity_failures: list[str] = field(default_factory=list)


def _sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _use(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1]
    if name.startswith("original."):
        return "original"
    if "/pages/" in f"/{rel}":
        return "page-" + {"txt": "text", "png": "image", "json": "summary", "jpg": "thumbnail", "pdf": "pdf"}.get(
            name.rsplit(".", 1)[-1], "derivative")
    return _USES.get(name, "derivative")


def _mimetype(name: str) -> str:
    if name.endswith(".json"):
        return "application/json"
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def document_fields(manifest: Manifest, dossier: dict) -> dict:
    """The circular's document fields, from the manifest."""
    md = manifest.metadata
    return {"identifier": manifest.id, "number_symbol": md.doc_number, "date": md.issued_date,
            "issuing_body": md.issuing_body, "summary": md.title, "type": md.doc_type,
            "page_count": md.page_count or len(manifest.pages), "language": md.language,
            "access_level": manifest.access_level or dossier["access_level"],
            "confidence": md.ocr_confidence, "file_format": manifest.original.kind,
            "original_file_name": manifest.original.filename, "original_sha256": manifest.original.sha256,
            "agency": manifest.agency, "dossier_code": dossier["code"]}


def dossier_fields(view: dict) -> dict:
    """The circular's dossier fields, from the dossier view."""
    return {"fonds_code": view["fonds"], "code": view["code"], "title": view["title"], "agency": view["agency"],
            "retention": view["effective_retention"], "access_level": view["access_level"],
            "language": view["language"], "start_date": view["start_date"], "end_date": view["end_date"],
            "keyword": view["keywords"], "document_count": view["document_count"], "page_count": view["page_count"],
            "physical_condition": view["physical_condition"], "paper_code": view["paper_code"],
            "notes": view["notes"], "legal_hold": view["legal_hold"]["reason"] if view["legal_hold"] else None}


def events_of(manifest: Manifest, fixity_ok: bool, exported_at: str, exported_by: str) -> list[Event]:
    """PREMIS events of a document: ingest, OCR / text layer, every edit, the fixity check, the PDF/A migration."""
    methods = sorted({p.method for p in manifest.pages})
    langs = sorted({p.lang for p in manifest.pages if p.lang})
    events = [Event("ingestion", manifest.created_at, f"original {manifest.original.filename} stored, sha256 "
                    f"{manifest.original.sha256}"),
              Event("creation", manifest.updated_at if not manifest.revisions else manifest.created_at,
                    f"text by {'/'.join(methods) or 'none'} ({'+'.join(langs) or '-'}), {len(manifest.pages)} pages, "
                    f"mean confidence {manifest.metadata.ocr_confidence}, pipeline {manifest.pipeline_version}")]
    for r in manifest.revisions:
        what = r.field or (f"page {r.page}" if r.page else "")
        events.append(Event("metadata modification" if r.field else "modification", r.at,
                            f"{r.action} {what}: {json.dumps(r.before, ensure_ascii=False)} -> "
                            f"{json.dumps(r.after, ensure_ascii=False)}", agent=r.user))
    events.append(Event("fixity check", exported_at, "sha256 of the original compared with the one recorded at "
                        "ingest", outcome="pass" if fixity_ok else "fail", agent=exported_by))
    events.append(Event("migration", exported_at, "searchable PDF converted to PDF/A-2b (archival.pdf)",
                        agent=exported_by))
    return events


def export_dossier(editor: Editor, code: str, out: Path, fonds: str | None = None) -> ExportSummary:
    """Write the dossier's transfer package to `out` (a new or empty directory)."""
    dossier = visible_dossier(editor, code)
    if fonds and dossier.fonds != fonds:
        raise NotFound(f"dossier {code} is not in fonds {fonds}")
    if not can_manage_archive(editor.principal, dossier.agency):
        editor.audit("denied", dossier.id, dossier.agency, attempted="export")
        raise ChangeRefused("only administrators of the owning agency export transfer packages")
    if dossier.destroyed:
        raise ArchiveConflict(f"dossier {dossier.display_code} was destroyed; there is nothing to export")
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InvalidRecord(f"{out} already exists and is not an empty directory; choose a new one")
    out.mkdir(parents=True, exist_ok=True)
    try:
        return _write(editor, dossier, out)
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)  # never leave half a package that looks like a bag
        raise


def _write(editor: Editor, dossier, out: Path) -> ExportSummary:
    store = editor.backends.store
    view = dossier_view(store, dossier)
    fonds_record = get_fonds(store, dossier.fonds).to_dict() if dossier.fonds else None
    now, user = now_iso(), editor.principal.user
    summary = ExportSummary(path=str(out), dossier=dossier.display_code)
    documents: list[PackagedDocument] = []
    for manifest in dossier_manifests(store, dossier):
        if manifest.status != "processed" or manifest.trashed is not None:
            continue
        folder = out / "documents" / manifest.id
        files = []
        for key in store.list(f"documents/{manifest.id}/"):
            rel = key.split("/", 2)[2]
            dest = folder / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            store.get_file(key, dest)
        archival = to_pdfa(store.get_bytes(derivative_key(manifest.id, "searchable.pdf")),
                           title=manifest.metadata.title, language=manifest.metadata.language,
                           author=manifest.metadata.issuing_body)
        (folder / "archival.pdf").write_bytes(archival)
        fixity_ok = True
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            rel = path.relative_to(out).as_posix()
            sha, size = _sha256(path)
            files.append(PackagedFile(f"data/{rel}", _use(path.relative_to(folder).as_posix()),
                                      _mimetype(path.name), sha, size))
            if path.name.startswith("original.") and path.parent == folder and sha != manifest.original.sha256:
                fixity_ok = False
                summary.fixity_failures.append(manifest.id)
        documents.append(PackagedDocument(manifest.id, document_fields(manifest, view), files,
                                          events_of(manifest, fixity_ok, now, user)))
        summary.documents.append(manifest.id)
    (out / "dossier.json").write_text(json.dumps(dossier.to_dict(), ensure_ascii=False, indent=1))
    package_files = [PackagedFile("data/dossier.json", "record", "application/json",
                                  *_sha256(out / "dossier.json"))]
    if fonds_record:
        (out / "fonds.json").write_text(json.dumps(fonds_record, ensure_ascii=False, indent=1))
        package_files.append(PackagedFile("data/fonds.json", "record", "application/json",
                                          *_sha256(out / "fonds.json")))
    mets = build_mets(dossier=dossier_fields(view) | {"id": dossier.id}, fonds=fonds_record, documents=documents,
                      agency=dossier.agency, created=now, package_files=package_files)
    (out / "mets.xml").write_bytes(mets)
    info = {"Source-Organization": dossier.agency, "External-Identifier": dossier.display_code,
            "External-Description": dossier.title[:200], "Bag-Group-Identifier": dossier.fonds or "",
            "Records-Package-Version": PACKAGE_VERSION, "Bag-Software-Agent": "Records"}
    bagit.make_bag(str(out), {k: v for k, v in info.items() if v}, checksums=["sha256"])
    summary.files = sum(len(d.files) for d in documents) + len(package_files) + 1
    summary.bytes = sum(f.size for d in documents for f in d.files)
    editor.audit("export", dossier.id, dossier.agency, documents=len(summary.documents), path=str(out),
                 fixity_failures=summary.fixity_failures)
    return summary
