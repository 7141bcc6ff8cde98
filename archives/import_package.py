"""`records import-package IN`: receive a transfer package (archives.export) into this Records.

The bag is validated first (every payload file against its SHA-256; nothing is stored from a damaged bag), the
METS must name exactly the documents the bag holds, and each original must still match the sha256 its manifest
recorded at ingest. Documents keep their ids (the id comes from the content and the owning agency), metadata,
revisions and text; each is stored object by object with its manifest last, then indexed. A document already
here is left as it is (re-importing the same package changes nothing).
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path

import bagit
from lxml import etree

from archives.access import can_manage_archive
from archives.mets import read_fields
from archives.model import Dossier, Fonds
from archives.repository import fonds_key, put_dossier, put_fonds
from changes.core import ChangeRefused, Editor
from documents.errors import NotFound, RejectedInput
from documents.model import Manifest, manifest_key
from ingest.legacy.dossiers import dossier_key, read_dossier


class InvalidPackage(RejectedInput):
    """The package is not a valid Records transfer package (the reason says what is wrong)."""


@dataclass
class ImportSummary:
    """What the import did."""

    dossier: str
    imported: list[str] = field(default_factory=list)
    already_present: list[str] = field(default_factory=list)


_DOC_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _load(path: Path) -> tuple[Path, dict, dict | None, dict]:
    if not path.is_dir():
        raise InvalidPackage(f"{path} is not a directory holding a bag")
    links = [p for p in path.rglob("*") if p.is_symlink()]
    if links:  # a link could make the import read files from outside the bag
        raise InvalidPackage(f"the bag holds symbolic links ({links[0].relative_to(path)}); refusing it")
    try:
        bag = bagit.Bag(str(path))
        bag.validate(processes=1)
    except bagit.BagValidationError as exc:
        details = "; ".join(str(d) for d in getattr(exc, "details", [])[:5])
        raise InvalidPackage(f"the bag at {path} does not validate: {exc.message} {details}".strip()) from None
    except bagit.BagError as exc:
        raise InvalidPackage(f"{path} is not a BagIt bag: {exc}") from None
    data = path / "data"
    try:
        dossier = json.loads((data / "dossier.json").read_text())
        fonds = json.loads((data / "fonds.json").read_text()) if (data / "fonds.json").exists() else None
        fields = read_fields((data / "mets.xml").read_bytes())
    except (OSError, ValueError, etree.XMLSyntaxError) as exc:
        raise InvalidPackage(f"{path} is a bag but not a Records transfer package: {exc}") from None
    return data, dossier, fonds, fields


def import_package(editor: Editor, path: Path) -> ImportSummary:
    """Import the package at `path`; returns what was imported."""
    path = Path(path)
    data, dossier_data, fonds_data, fields = _load(path)
    dossier = Dossier.from_dict(dossier_data)
    if not can_manage_archive(editor.principal, dossier.agency):
        raise ChangeRefused(f"only administrators of {dossier.agency} (or the local administrator) import its "
                            "transfer packages")
    folders = sorted(p for p in (data / "documents").iterdir() if p.is_dir()) if (data / "documents").is_dir() else []
    in_mets = sorted(d["identifier"] for d in fields["documents"])
    if [p.name for p in folders] != in_mets:
        raise InvalidPackage(f"the METS lists documents {in_mets} but the bag holds {[p.name for p in folders]}")
    manifests = []
    for folder in folders:
        manifest = Manifest.from_dict(json.loads((folder / "manifest.json").read_text()))
        original = folder / f"original.{manifest.original.ext}"
        if not _DOC_ID.match(folder.name) or manifest.id != folder.name or not original.is_file():
            raise InvalidPackage(f"document folder {folder.name} does not hold its manifest and original")
        if hashlib.sha256(original.read_bytes()).hexdigest() != manifest.original.sha256:
            raise InvalidPackage(f"the original of {folder.name} does not match the sha256 recorded at ingest")
        manifests.append((folder, manifest))
    store = editor.backends.store
    summary = ImportSummary(dossier=dossier.display_code)
    if fonds_data and not store.exists(fonds_key(fonds_data["code"])):
        put_fonds(store, Fonds.from_dict(fonds_data))
    for folder, manifest in manifests:
        if store.exists(manifest_key(manifest.id)):
            summary.already_present.append(manifest.id)
            continue
        for file in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json"):
            key = f"documents/{manifest.id}/{file.relative_to(folder).as_posix()}"
            store.put_file(key, file, mimetypes.guess_type(file.name)[0] or "application/octet-stream")
        store.put_file(manifest_key(manifest.id), folder / "manifest.json", "application/json")
        summary.imported.append(manifest.id)
    _merge_dossier(store, dossier)
    from workers.pipeline import index_document

    for _, manifest in manifests:
        if manifest.id in summary.imported and manifest.status == "processed" and manifest.trashed is None:
            index_document(editor.backends, manifest)
    editor.audit("import-package", dossier.id, dossier.agency, imported=len(summary.imported),
                 already_present=len(summary.already_present), source=str(path))
    return summary


def _merge_dossier(store, dossier: Dossier) -> None:
    """Store the dossier record; one already here keeps its fields and gains the package's documents."""
    try:
        here = Dossier.from_dict(read_dossier(store, dossier.id))
    except NotFound:
        put_dossier(store, dossier)
        return
    here.documents += [d for d in dossier.documents if d not in here.documents]
    store.put_json(dossier_key(here.id), here.to_dict())
