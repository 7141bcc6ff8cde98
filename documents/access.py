"""Who may do what with which document. The one place the API (and `--as USER`) decides access.

The visibility rule for single documents is the same as the index's rule for searches (`index.base.is_visible`):
visible when the caller sees all agencies, or owns it, or it is public, or it is shared with the caller's agency.
On top of it, roles narrow what a user does: clerks upload for their agency and see only its documents; officers
search everything visible to their agency; admins also manage their agency's users, visibility and audit log.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, replace

from documents.errors import RecordsError
from documents.model import VISIBILITIES, Manifest
from documents.search import Access, SearchRequest, filter_values

ROLES = ("clerk", "officer", "admin")
_AGENCY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")


class InvalidVisibility(RecordsError):
    """A visibility change that makes no sense (unknown value, shared with nobody, bad agency name)."""


class UnknownShareAgency(InvalidVisibility):
    """A document would be shared with an agency the catalog does not know (a typo shares it with nobody)."""

    def __init__(self, unknown: list[str], known: Collection[str]) -> None:
        names, listed = ", ".join(unknown), ", ".join(sorted(known)) or "none"
        super().__init__(f"unknown agency: {names} (known agencies: {listed}); check the spelling — "
                         "a document shared with an agency that does not exist is shared with nobody",
                         "err_unknown_agency", names=names, known=listed)
        self.unknown = unknown


@dataclass(frozen=True)
class Principal:
    """The identity a request acts with. `all_agencies` only for the local administrator (command line)."""

    user: str
    agency: str | None
    role: str
    all_agencies: bool = False

    @property
    def access(self) -> Access:
        """What the search index needs to filter by."""
        return Access(agency=self.agency, all_agencies=self.all_agencies)

    @property
    def own_agency_only(self) -> bool:
        """Clerks see their own agency's documents, nothing shared in from others."""
        return self.role == "clerk" and not self.all_agencies

    def narrow(self, req: SearchRequest) -> SearchRequest | None:
        """The request with this principal's access applied; None when it can match nothing (clerk asks for
        another agency). Whatever the request carried as `access` is replaced: callers cannot widen it."""
        req = replace(req, access=self.access)
        if self.own_agency_only:
            asked = filter_values(req.agency)
            if asked and self.agency not in asked:
                return None
            req = replace(req, agency=self.agency)
        return req


LOCAL_ADMIN = Principal(user="local", agency=None, role="admin", all_agencies=True)


def visible(agency: str, visibility: str, shared_with: list[str] | tuple[str, ...], access: Access) -> bool:
    """The visibility rule, identical to `index.base.is_visible`."""
    if access.all_agencies or visibility == "public":
        return True
    if access.agency is None:
        return False
    return agency == access.agency or (visibility == "shared" and access.agency in shared_with)


def can_view(principal: Principal, manifest: Manifest) -> bool:
    """May `principal` know that this document exists (metadata, text, pages, downloads)?"""
    if principal.own_agency_only and manifest.agency != principal.agency:
        return False
    return visible(manifest.agency, manifest.visibility, manifest.shared_with, principal.access)


def can_change_visibility(principal: Principal, manifest: Manifest) -> bool:
    """Officers and admins of the owning agency (and the local administrator) may change who sees a document."""
    if principal.all_agencies:
        return True
    return principal.role in ("officer", "admin") and manifest.agency == principal.agency


def can_upload(principal: Principal) -> bool:
    """Clerks and admins upload (always for their own agency)."""
    return principal.all_agencies or principal.role in ("clerk", "admin")


def can_manage_users(principal: Principal) -> bool:
    """Admins manage the users of their own agency."""
    return principal.role == "admin"


def can_read_audit(principal: Principal) -> bool:
    """Admins read the audit entries of their agency (made by its users or on its documents)."""
    return principal.role == "admin"


def check_visibility(visibility: str, shared_with: list[str] | None, owner: str,
                     known: Collection[str] | None = None) -> list[str]:
    """Validate a requested visibility; returns the cleaned `shared_with` list (empty unless `shared`).

    `known` is the catalog's agencies: any other name is refused (UnknownShareAgency). None skips that check
    (a fresh install whose catalog knows no agency yet)."""
    if visibility not in VISIBILITIES:
        raise InvalidVisibility(f"visibility must be one of {', '.join(VISIBILITIES)}, not {visibility!r}",
                                "err_vis_unknown", known=", ".join(VISIBILITIES), value=visibility)
    if visibility != "shared":
        return []
    cleaned = sorted({a.strip() for a in shared_with or [] if a.strip()} - {owner})
    if not cleaned:
        raise InvalidVisibility("a shared document needs at least one other agency to share it with "
                                "(shared_with), or choose private or public", "err_vis_no_agencies")
    for name in cleaned:
        if not _AGENCY.match(name):
            raise InvalidVisibility(f"agency name {name!r} is not valid", "err_agency_name", name=name)
    unknown = [name for name in cleaned if known is not None and name not in known]
    if unknown:
        raise UnknownShareAgency(unknown, known or ())
    return cleaned
