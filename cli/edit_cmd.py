"""`records edit ID --set FIELD=VALUE ...`: edit a document's metadata (validated like the import manifest)."""

from __future__ import annotations

import argparse

from cli.changes_common import check_visible, editor
from cli.common import as_user_flag, json_flag
from cli.output import print_json


def add_parser(sub) -> None:
    p = sub.add_parser("edit", help="edit a document's metadata (title, doc_type, doc_number, issued_date, "
                                    "issuing_body, dossier, tags, language)")
    p.add_argument("id", metavar="ID")
    p.add_argument("--set", dest="values", action="append", required=True, metavar="FIELD=VALUE",
                   help="a field and its new value (repeatable); an empty value clears the field; "
                        "tags: comma-separated")
    as_user_flag(p)
    json_flag(p)
    p.set_defaults(func=run)


def parse_assignments(items: list[str]) -> dict[str, str]:
    """`FIELD=VALUE` strings as a dict (ValueError for a malformed one)."""
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--set {item!r}: write FIELD=VALUE, e.g. --set issued_date=2024-03-15")
        values[name.strip()] = value
    return values


def run(args: argparse.Namespace) -> int:
    from changes.metadata import EDITABLE, current, edit_metadata

    values = parse_assignments(args.values)
    with editor(args) as ed:
        check_visible(ed, args.id)
        manifest = edit_metadata(ed, args.id, values)
    if args.json:
        print_json({"id": manifest.id, "metadata": manifest.to_dict()["metadata"], "tags": manifest.tags,
                    "dossier": manifest.dossier, "metadata_source": manifest.metadata_source})
        return 0
    for name in EDITABLE:
        if name in values:
            print(f"  {name:<13} {current(manifest, name)!s}  ({manifest.metadata_source.get(name)})")
    return 0
