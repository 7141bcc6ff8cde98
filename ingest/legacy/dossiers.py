"""Dossiers: a named, ordered group of documents stored as `dossiers/<id>.json` in the object store."""

from __future__ import annotations

import contextlib
import hashlib
import re
import unicodedata

from documents.errors import NotFound

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_ID = 100


def dossier_key(dossier_id: str) -> str:
    """Store key of a dossier object."""
    return f"dossiers/{dossier_id}.json"


def dossier_id(name: str) -> str:
    """A safe store-key name for the dossier called `name`.

    Names already safe are kept as they are (so `records search --dossier HS-2019-01` works as typed);
    others are folded to ASCII and suffixed with a short hash of the original, so two names that fold alike
    (`Hồ sơ 1` and `Ho so 1`) stay two dossiers.
    """
    name = name.strip()
    if name and len(name) <= MAX_ID and not _UNSAFE.search(name) and name[0].isalnum() and ".." not in name:
        return name
    slug = _UNSAFE.sub("-", _ascii(name)).strip("-._")[:MAX_ID - 9]
    slug = re.sub(r"\.{2,}", ".", slug)
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else f"dossier-{digest}"


def _ascii(text: str) -> str:
    """Diacritics dropped, case kept (`Hồ sơ Đất` -> `Ho so Dat`)."""
    text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c))


def write_dossier(store, dossier: str, title: str, agency: str, documents: list[str]) -> None:
    """Write the dossier object, keeping documents other imports already put in it (ahead of ours, in order).

    Our list is complete and ordered; entries already stored that are ours are replaced by our order, so
    writing the same dossier again (a resumed import) gives the same object.
    """
    stored: dict = {}
    with contextlib.suppress(NotFound):
        stored = store.get_json(dossier_key(dossier))
    existing = list(stored.get("documents") or [])
    ours = set(documents)
    merged = [d for d in existing if d not in ours] + documents
    # Archival fields (fonds, retention, hold, ... see archives.model.Dossier) set since are kept as they are.
    store.put_json(dossier_key(dossier), {**stored, "id": dossier, "title": title, "agency": agency,
                                          "documents": merged})


def read_dossier(store, dossier: str) -> dict:
    """The stored dossier object (raises NotFound)."""
    if not dossier or _UNSAFE.search(dossier) or ".." in dossier:
        raise NotFound(f"no dossier {dossier}")
    return store.get_json(dossier_key(dossier))
