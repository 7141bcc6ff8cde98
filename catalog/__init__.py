"""The SQLite catalog: agencies, users, hashed API tokens, upload batches and the append-only audit log.

The catalog lives at `settings.catalog_path`; the API server owns it in both embedded and distributed mode.
Convenience functions for the command line (`access_for_user`, `principal_for_user`, `audit`) open it on demand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from catalog.audit import AuditEntry, append_audit, list_audit
from catalog.db import Catalog, open_catalog
from catalog.users import (
    ROLES,
    User,
    add_user,
    authenticate,
    disable_user,
    get_user,
    list_agencies,
    list_users,
    rotate_token,
)
from documents.access import Principal

if TYPE_CHECKING:
    from index.base import Access
    from settings import Settings

__all__ = [
    "ROLES",
    "AuditEntry",
    "Catalog",
    "User",
    "access_for_user",
    "add_user",
    "append_audit",
    "audit",
    "authenticate",
    "disable_user",
    "get_user",
    "list_agencies",
    "list_audit",
    "list_users",
    "open_catalog",
    "principal_for_user",
    "rotate_token",
]


def principal_for_user(settings: Settings, name: str) -> Principal:
    """The rights of user `name` (raises `documents.errors.NotFound` for an unknown or disabled user)."""
    cat = open_catalog(settings)
    try:
        return get_user(cat, name).principal
    finally:
        cat.close()


def access_for_user(settings: Settings, name: str) -> Access:
    """The index `Access` of user `name`, exactly as the HTTP API builds it (raises NotFound).

    Clerks are further narrowed to their own agency's documents: use `principal_for_user(...).narrow(request)`
    to apply that to a `SearchRequest` as the API does.
    """
    return principal_for_user(settings, name).access


def audit(settings: Settings, user: str, agency: str | None, action: str, target: str | None,
          detail: dict[str, Any] | None = None, *, target_agency: str | None = None) -> None:
    """Append one audit entry (who, what, on what) to the catalog of `settings`."""
    cat = open_catalog(settings)
    try:
        append_audit(cat, user=user, agency=agency, action=action, target=target, detail=detail,
                     target_agency=target_agency)
    finally:
        cat.close()
