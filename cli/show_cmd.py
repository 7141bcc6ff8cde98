"""`records show ID`: metadata, status and text of one document (or a dossier's documents)."""

from __future__ import annotations

import argparse

from cli.common import as_user_flag, audit_as, backends, json_flag, principal_for
from cli.output import print_json
from documents.errors import NotFound
from documents.model import derivative_key


def add_parser(sub) -> None:
    p = sub.add_parser("show", help="metadata, status and text of one document, or a dossier's documents")
    p.add_argument("id", metavar="ID", help="a document id, or a dossier id (lists its documents in order)")
    as_user_flag(p)
    json_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from documents.access import can_view
    from workers.pipeline import load_manifest

    be = backends()
    try:
        manifest = load_manifest(be, args.id)
    except NotFound:
        return _show_dossier(args, be)
    principal = principal_for(args, be)
    if not can_view(principal, manifest):
        raise NotFound(f"no document {args.id}")  # same answer as for a missing one: existence is not leaked
    audit_as(args, be, principal, "view", manifest.id, target_agency=manifest.agency)
    try:
        text = be.store.get_bytes(derivative_key(manifest.id, "text.txt")).decode()
    except NotFound:
        text = ""
    data = manifest.to_dict()
    data.pop("supplied", None)
    data["text"] = text
    if args.json:
        print_json(data)
        return 0
    md = manifest.metadata
    print(f"{manifest.id}  {manifest.status}{' — ' + manifest.error if manifest.error else ''}")
    for label, value in (("title", md.title), ("type", md.doc_type), ("number", md.doc_number),
                         ("issued", md.issued_date), ("issuing body", md.issuing_body), ("language", md.language),
                         ("pages", md.page_count), ("OCR confidence", md.ocr_confidence),
                         ("agency", manifest.agency), ("visibility", manifest.visibility),
                         ("file", manifest.original.filename), ("dossier", manifest.dossier)):
        if value not in (None, ""):
            print(f"  {label:<15} {value}")
    print()
    print(text)
    return 0


def _show_dossier(args: argparse.Namespace, be) -> int:
    """A dossier: its title and its documents in order (only those the caller may see)."""
    from documents.access import can_view, visible
    from ingest.legacy.dossiers import read_dossier
    from workers.pipeline import load_manifest

    try:
        dossier = read_dossier(be.store, args.id)
    except NotFound:
        raise NotFound(f"no document or dossier {args.id}") from None
    principal = principal_for(args, be)
    documents = []
    for doc_id in dossier.get("documents") or []:
        try:
            manifest = load_manifest(be, doc_id)
        except NotFound:
            continue
        if can_view(principal, manifest):
            documents.append({"id": manifest.id, "title": manifest.metadata.title, "status": manifest.status,
                              "doc_type": manifest.metadata.doc_type, "issued_date": manifest.metadata.issued_date,
                              "file": manifest.original.filename})
    if not documents and not visible(dossier.get("agency") or "", "private", [], principal.access):
        raise NotFound(f"no document or dossier {args.id}")  # a dossier of nothing visible is not disclosed
    if args.json:
        print_json({"dossier": {k: dossier.get(k) for k in ("id", "title", "agency")}, "documents": documents})
        return 0
    print(f"dossier {dossier.get('id')}: {dossier.get('title')}  ({dossier.get('agency')}, "
          f"{len(documents)} document(s))")
    for n, doc in enumerate(documents, start=1):
        print(f"{n:>4}. {doc['id']}  {doc['title'] or '(untitled)'}  [{doc['doc_type']}, "
              f"{doc['issued_date'] or 'no date'}]  {doc['file']}  {doc['status']}")
    return 0
