"""Reading and writing fonds and dossier records in the object store (the system of record)."""

from __future__ import annotations

from collections.abc import Iterator

from archives.model import Dossier, Fonds, check_code
from documents.errors import NotFound
from documents.model import Manifest, manifest_key
from ingest.legacy.dossiers import dossier_id, dossier_key, read_dossier


def fonds_key(code: str) -> str:
    """Store key of a fonds record."""
    return f"fonds/{check_code(code, 'fonds')}.json"


def get_fonds(store, code: str) -> Fonds:
    """The fonds with this code (raises NotFound)."""
    try:
        return Fonds.from_dict(store.get_json(fonds_key(code)))
    except NotFound:
        raise NotFound(f"no fonds {code!r} (add it with `records fonds add {code} --name NAME`)") from None


def put_fonds(store, fonds: Fonds) -> None:
    """Write a fonds record."""
    store.put_json(fonds_key(fonds.code), fonds.to_dict())


def list_fonds(store) -> list[Fonds]:
    """Every fonds, by code."""
    return [Fonds.from_dict(store.get_json(k)) for k in store.list("fonds/") if k.endswith(".json")]


def find_dossier_id(code: str) -> str:
    """The store id of the dossier people call `code` (the importer's rule: safe codes are kept as typed)."""
    return dossier_id(code)


def get_dossier(store, code_or_id: str) -> Dossier:
    """The dossier with this code or id (raises NotFound)."""
    try:
        return Dossier.from_dict(read_dossier(store, find_dossier_id(code_or_id)))
    except NotFound:
        raise NotFound(f"no dossier {code_or_id!r}") from None


def put_dossier(store, dossier: Dossier) -> None:
    """Write a dossier record (the whole object: importer keys and archival fields together)."""
    store.put_json(dossier_key(dossier.id), dossier.to_dict())


def list_dossiers(store, agency: str | None = None, fonds: str | None = None) -> Iterator[Dossier]:
    """Every dossier (of one agency, one fonds), by id."""
    for key in store.list("dossiers/"):
        if not key.endswith(".json") or key.count("/") != 1:
            continue
        dossier = Dossier.from_dict(store.get_json(key))
        if (agency is None or dossier.agency == agency) and (fonds is None or dossier.fonds == fonds):
            yield dossier


def dossier_manifests(store, dossier: Dossier) -> list[Manifest]:
    """The manifests of the dossier's documents that are still stored, in dossier order."""
    out = []
    for doc_id in dossier.documents:
        try:
            out.append(Manifest.from_dict(store.get_json(manifest_key(doc_id))))
        except NotFound:
            continue
    return out
