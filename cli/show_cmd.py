"""`records show ID`: metadata, status and text of one document (or a dossier's documents)."""

from __future__ import annotations

import argparse

from cli.common import access_for, as_user_flag, backends, json_flag
from cli.output import print_json
from documents.errors import NotFound
from documents.model import derivative_key


def add_parser(sub) -> None:
    p = sub.add_parser("show", help="metadata, status and text of one document")
    p.add_argument("id", metavar="ID")
    as_user_flag(p)
    json_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from documents.access import can_see
    from workers.pipeline import load_manifest

    be = backends()
    try:
        manifest = load_manifest(be, args.id)
    except NotFound:
        raise NotFound(f"no document {args.id}") from None
    if not can_see(manifest.agency, manifest.visibility, manifest.shared_with, access_for(args, be)):
        raise NotFound(f"no document {args.id}")  # same answer as for a missing one: existence is not leaked
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
