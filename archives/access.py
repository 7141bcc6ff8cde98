"""Who may see and change fonds, dossiers, holds and dispositions.

A dossier is seen by its agency (every role) and, when its access level is `public`, by officers and admins of
every agency (clerks see their own agency only, as for documents). Officers and admins of the owning agency
create and edit dossiers; admins of the owning agency add fonds, set legal holds, propose and approve disposition.
The local administrator (command line without `--as`) may do everything except take part in a disposition, which
needs two named administrators.
"""

from __future__ import annotations

from archives.model import Dossier
from documents.access import Principal


def can_see_dossier(principal: Principal, dossier: Dossier) -> bool:
    """May `principal` know that this dossier exists?"""
    if principal.all_agencies or dossier.agency == principal.agency:
        return True
    return principal.role != "clerk" and dossier.access_level == "public"


def can_edit_dossier(principal: Principal, agency: str) -> bool:
    """Officers and admins of the owning agency (and the local administrator) create and edit dossiers."""
    return principal.all_agencies or (principal.role in ("officer", "admin") and principal.agency == agency)


def can_manage_archive(principal: Principal, agency: str) -> bool:
    """Admins of the owning agency (and the local administrator) add fonds, schedules and legal holds."""
    return principal.all_agencies or (principal.role == "admin" and principal.agency == agency)


def can_dispose(principal: Principal, agency: str) -> bool:
    """Only a named administrator of the owning agency proposes or approves a disposition."""
    return not principal.all_agencies and principal.role == "admin" and principal.agency == agency
