"""Adding and listing fonds."""

from __future__ import annotations

from archives.access import can_manage_archive
from archives.model import Fonds, InvalidRecord, check_code, check_text
from archives.repository import fonds_key, list_fonds, put_fonds
from changes.core import ChangeRefused, Editor


def add_fonds(editor: Editor, code: str, name: str, agency: str | None = None,
              description: str | None = None) -> Fonds:
    """Create a fonds of `agency` (default: the editor's). Refuses an existing code."""
    agency = agency or editor.principal.agency
    if not agency:
        raise InvalidRecord("say which agency the fonds belongs to (--agency)")
    if not can_manage_archive(editor.principal, agency):
        editor.audit("denied", code, agency, attempted="fonds.add")
        raise ChangeRefused("only administrators of the agency add fonds")
    code = check_code(code, "fonds")
    name = check_text(name, "name") or ""
    if not name:
        raise InvalidRecord("a fonds needs a name")
    store = editor.backends.store
    if store.exists(fonds_key(code)):
        raise InvalidRecord(f"fonds {code!r} already exists")
    fonds = Fonds(code=code, name=name, agency=agency, description=check_text(description, "description"),
                  created_by=editor.principal.user)
    put_fonds(store, fonds)
    editor.audit("fonds.add", code, agency, name=name)
    return fonds


def visible_fonds(editor: Editor) -> list[Fonds]:
    """The fonds the editor may see: their agency's (all for the local administrator and officers elsewhere
    see only their own agency's fonds)."""
    p = editor.principal
    return [f for f in list_fonds(editor.backends.store) if p.all_agencies or f.agency == p.agency]
