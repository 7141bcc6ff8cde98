"""Who may change what. Changes are made only by users of the document's owning agency (or the local administrator
on the command line): nobody edits, reviews, deletes or restores another agency's documents, whatever they may see.

- edit metadata, correct text, resolve flags, rotate/replace pages, split, merge: clerks, officers and admins of
  the owning agency;
- delete (to the trash), restore, purge: admins of the owning agency only.
"""

from __future__ import annotations

from documents.access import Principal
from documents.model import Manifest

EDIT_ROLES = ("clerk", "officer", "admin")
DELETE_ROLES = ("admin",)


def owns(principal: Principal, manifest: Manifest) -> bool:
    """The principal acts for the document's owning agency (or is the local administrator)."""
    return principal.all_agencies or (principal.agency is not None and principal.agency == manifest.agency)


def can_edit(principal: Principal, manifest: Manifest) -> bool:
    """Edit metadata, correct text, review and rework pages of this document."""
    return owns(principal, manifest) and (principal.all_agencies or principal.role in EDIT_ROLES)


def can_delete(principal: Principal, manifest: Manifest) -> bool:
    """Move the document to the trash, restore it, or purge it."""
    return owns(principal, manifest) and (principal.all_agencies or principal.role in DELETE_ROLES)


def can_review(principal: Principal, agency: str | None) -> bool:
    """List the review queue of `agency` (None: the principal's own)."""
    if principal.all_agencies:
        return True
    return principal.role in EDIT_ROLES and agency in (None, principal.agency)
