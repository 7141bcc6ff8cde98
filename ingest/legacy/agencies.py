"""Which agencies the catalog knows, for checking the agencies a manifest names."""

from __future__ import annotations

import re

from documents.errors import RecordsError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")  # the catalog's rule for agency names


class UnknownAgency(RecordsError):
    """The import's agency is not in the catalog."""


def name_ok(name: str) -> bool:
    """True when `name` is a syntactically valid agency name."""
    return bool(_NAME.match(name))


def known_agencies(settings) -> frozenset[str] | None:
    """Agencies in the catalog, or None when the catalog knows none yet (a fresh install: names are not checked)."""
    from catalog import list_agencies, open_catalog

    cat = open_catalog(settings)
    try:
        names = frozenset(list_agencies(cat))
    finally:
        cat.close()
    return names or None


def check_agency(agency: str, known: frozenset[str] | None) -> None:
    """Raise UnknownAgency (or ValueError for a malformed name) unless `agency` may own documents."""
    if not name_ok(agency):
        raise ValueError(f"agency {agency!r} is not a valid agency name")
    if known is not None and agency not in known:
        raise UnknownAgency(f"agency {agency!r} is unknown to the catalog (known: {', '.join(sorted(known))}); "
                            f"add it with `records users add NAME --agency {agency} --role clerk`")
