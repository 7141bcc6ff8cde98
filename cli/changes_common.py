"""What the correction commands share: an `Editor` for the caller (local administrator, or `--as USER` with
exactly that user's rights), and the visibility check every document command makes first."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from changes import Editor
from cli.common import backends, principal_for
from documents.errors import NotFound


@contextmanager
def editor(args: argparse.Namespace) -> Iterator[Editor]:
    """An editor acting as the command's user; backends and catalog closed afterwards."""
    from catalog import open_catalog

    be = backends()
    cat = open_catalog(be.settings)
    try:
        yield Editor(backends=be, catalog=cat, principal=principal_for(args, be), client="cli")
    finally:
        cat.close()
        be.close()


def check_visible(ed: Editor, doc_id: str) -> None:
    """NotFound unless the editor may see `doc_id` (the same answer as for a missing document)."""
    from changes.rules import owns
    from documents.access import can_view
    from workers.pipeline import load_manifest

    manifest = load_manifest(ed.backends, doc_id)
    if not can_view(ed.principal, manifest) or (manifest.trashed is not None and not owns(ed.principal, manifest)):
        ed.audit("denied", doc_id, manifest.agency)
        raise NotFound(f"no document {doc_id}")
