"""Creating, editing, viewing and listing dossiers (the archival fields beside the importer's)."""

from __future__ import annotations

from typing import Any

from archives.access import can_edit_dossier, can_see_dossier
from archives.model import ArchiveConflict, Dossier, InvalidRecord, check_code, clean_dossier_fields
from archives.repository import dossier_manifests, find_dossier_id, get_dossier, get_fonds, list_dossiers, put_dossier
from archives.retention import closing_date, effective_retention, expires_on, get_schedule
from changes.core import ChangeRefused, Editor
from documents.errors import NotFound
from documents.model import now_iso
from ingest.legacy.dossiers import dossier_key


def create_dossier(editor: Editor, code: str, title: str, agency: str | None = None,
                   **fields: Any) -> Dossier:
    """Create an empty dossier; its retention comes from the agency's schedule unless given."""
    agency = agency or editor.principal.agency
    if not agency:
        raise InvalidRecord("say which agency the dossier belongs to (--agency)")
    if not can_edit_dossier(editor.principal, agency):
        editor.audit("denied", code, agency, attempted="dossier.create")
        raise ChangeRefused("only officers and admins of the agency create dossiers", "a_create_role")
    code = check_code(code, "dossier")
    cleaned = clean_dossier_fields({"title": title, **{k: v for k, v in fields.items() if v is not None}})
    store = editor.backends.store
    dossier_id = find_dossier_id(code)
    if store.exists(dossier_key(dossier_id)):
        raise InvalidRecord(f"dossier {code!r} already exists; edit it instead", "a_dossier_exists", code=code)
    if cleaned.get("fonds"):
        _check_fonds(store, cleaned["fonds"], agency)
    dossier = Dossier(id=dossier_id, code=code, agency=agency, **cleaned, updated_by=editor.principal.user)
    if dossier.retention is None:
        dossier.retention = get_schedule(store, agency).for_dossier(dossier, [])
        dossier.retention_source = "schedule" if dossier.retention is not None else None
    else:
        dossier.retention_source = "edited"
    put_dossier(store, dossier)
    editor.audit("dossier.create", dossier.id, agency, title=dossier.title, retention=dossier.retention)
    return dossier


def _check_fonds(store, code: str, agency: str) -> None:
    fonds = get_fonds(store, code)
    if fonds.agency != agency:
        raise InvalidRecord(f"fonds {code!r} belongs to agency {fonds.agency}, not {agency}", "a_fonds_agency",
                            code=code, owner=fonds.agency, agency=agency)


def visible_dossier(editor: Editor, code: str) -> Dossier:
    """The dossier if the editor may see it; NotFound otherwise (the same answer as for a missing one)."""
    dossier = get_dossier(editor.backends.store, code)
    if not can_see_dossier(editor.principal, dossier):
        editor.audit("denied", dossier.id, dossier.agency, attempted="dossier.view")
        raise NotFound(f"no dossier {code!r}")
    return dossier


def edit_dossier(editor: Editor, code: str, changes: dict[str, Any]) -> Dossier:
    """Change some of a dossier's fields; audited with before and after of each."""
    dossier = visible_dossier(editor, code)
    if not can_edit_dossier(editor.principal, dossier.agency):
        editor.audit("denied", dossier.id, dossier.agency, attempted="dossier.edit")
        raise ChangeRefused("only officers and admins of the owning agency edit dossiers", "a_edit_role")
    if dossier.destroyed:
        raise ArchiveConflict(f"dossier {dossier.display_code} was destroyed; its record can no longer change",
                              "a_destroyed_record", code=dossier.display_code)
    cleaned = clean_dossier_fields(changes)
    if cleaned.get("fonds"):
        _check_fonds(editor.backends.store, cleaned["fonds"], dossier.agency)
    start = cleaned.get("start_date", dossier.start_date)
    end = cleaned.get("end_date", dossier.end_date)
    if start and end and start > end:
        raise InvalidRecord(f"start date {start} is after end date {end}", "a_dates_reversed", start=start, end=end)
    diff = []
    for name, value in cleaned.items():
        before = getattr(dossier, name)
        if before != value:
            diff.append({"field": name, "before": before, "after": value})
            setattr(dossier, name, value)
    if "retention" in cleaned:
        dossier.retention_source = "edited" if dossier.retention is not None else None
    if diff:
        dossier.updated_at, dossier.updated_by = now_iso(), editor.principal.user
        put_dossier(editor.backends.store, dossier)
        editor.audit("dossier.edit", dossier.id, dossier.agency, changes=diff)
        _reindex_members(editor, dossier, diff)
    return dossier


def _reindex_members(editor: Editor, dossier: Dossier, diff: list[dict]) -> None:
    """A new title is part of every member's index entry (dossier_title): re-index them."""
    if not any(d["field"] == "title" for d in diff):
        return
    from workers.pipeline import index_document

    for manifest in dossier_manifests(editor.backends.store, dossier):
        if manifest.status == "processed" and manifest.trashed is None:
            index_document(editor.backends, manifest)


def dossier_view(store, dossier: Dossier) -> dict[str, Any]:
    """The dossier record with what is computed from its documents: counts, dates, effective retention,
    expiry date and state (held, destroyed, due)."""
    manifests = dossier_manifests(store, dossier)
    schedule = get_schedule(store, dossier.agency)
    retention = effective_retention(dossier, schedule, manifests)
    closed = closing_date(dossier, manifests)
    expiry = expires_on(retention, closed)
    dates = sorted(m.metadata.issued_date[:10] for m in manifests if m.metadata.issued_date)
    data = dossier.to_dict()
    data.update(
        code=dossier.display_code,
        document_count=len(manifests),
        page_count=sum(m.metadata.page_count or len(m.pages) for m in manifests),
        start_date=dossier.start_date or (dates[0] if dates else None),
        end_date=dossier.end_date or (dates[-1] if dates else None),
        language=dossier.language or _main_language(manifests),
        effective_retention=retention,
        expires_on=expiry.isoformat() if expiry else None,
        state="destroyed" if dossier.destroyed else "held" if dossier.legal_hold else "open",
    )
    return data


def _main_language(manifests) -> str | None:
    langs = [m.metadata.language for m in manifests if m.metadata.language]
    return max(set(langs), key=langs.count) if langs else None


def visible_dossiers(editor: Editor, fonds: str | None = None, agency: str | None = None,
                     query: str | None = None) -> list[Dossier]:
    """The dossiers the editor may see (optionally of one fonds or agency, or whose code, title, keywords or
    paper code hold `query`, ignoring case and Vietnamese marks), by id."""
    from index.folding import fold

    wanted = fold(query.strip()) if query and query.strip() else None
    out = []
    for d in list_dossiers(editor.backends.store, agency=agency, fonds=fonds):
        if not can_see_dossier(editor.principal, d):
            continue
        if wanted and wanted not in fold(" ".join([d.display_code, d.title, d.paper_code or "", *d.keywords])):
            continue
        out.append(d)
    return out
