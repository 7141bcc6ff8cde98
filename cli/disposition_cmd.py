"""`records disposition list|propose|approve|reject|proposals|records|record`: destroying dossiers whose
retention ran out, proposed by one administrator and approved by another of the same agency."""

from __future__ import annotations

import argparse

from cli.archive_common import editor_for, retention_text
from cli.common import as_user_flag, json_flag
from cli.output import print_json


def add_parser(sub) -> None:
    """Register `records disposition ...`."""
    d = sub.add_parser("disposition", help="dossiers due for destruction; propose, approve (two admins)")
    ds = d.add_subparsers(dest="disposition_cmd", required=True)
    lst = ds.add_parser("list", help="dossiers whose retention has expired")
    lst.add_argument("--due-before", dest="due_before", metavar="DATE", help="yyyy-mm-dd (default: today)")
    lst.add_argument("--agency")
    pr = ds.add_parser("propose", help="propose destroying dossiers (an admin, --as USER)")
    pr.add_argument("dossiers", nargs="+", metavar="DOSSIER")
    pr.add_argument("--reason", required=True)
    ap = ds.add_parser("approve", help="approve a proposal: destroys its dossiers (a second admin, --as USER)")
    ap.add_argument("proposal")
    ap.add_argument("--note")
    rj = ds.add_parser("reject", help="turn a proposal down (a second admin)")
    rj.add_argument("proposal")
    rj.add_argument("--note", required=True)
    ps = ds.add_parser("proposals", help="proposals of your agency")
    ps.add_argument("--status", choices=("pending", "approved", "rejected"))
    rs = ds.add_parser("records", help="destruction records of your agency")
    rc = ds.add_parser("record", help="one destruction record in full (every object's sha256)")
    rc.add_argument("record")
    for p in (lst, pr, ap, rj, ps, rs, rc):
        as_user_flag(p)
        json_flag(p)
    d.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run one disposition subcommand."""
    from archives import disposition

    with editor_for(args) as editor:
        cmd = args.disposition_cmd
        if cmd == "list":
            views = disposition.due(editor, args.due_before, args.agency)
            if args.json:
                print_json(views)
            for v in [] if args.json else views:
                state = "held" if v["legal_hold"] else ("proposed " + v["proposal"]) if v["proposal"] else "due"
                print(f"{v['code']:24} {v['agency']:14} {retention_text(v['effective_retention']):10} "
                      f"expired {v['expires_on']}  {state:12} {v['title']}")
            return 0
        if cmd == "propose":
            result = disposition.propose(editor, args.dossiers, args.reason).to_dict()
            text = f"proposal {result['id']}: {', '.join(result['dossiers'])} (needs a second administrator)"
        elif cmd == "approve":
            result = disposition.approve(editor, args.proposal, args.note)
            text = (f"destroyed {', '.join(d['code'] for d in result['dossiers'])}: {result['object_count']} "
                    f"objects; destruction record {result['id']}")
        elif cmd == "reject":
            result = disposition.reject(editor, args.proposal, args.note).to_dict()
            text = f"proposal {result['id']} rejected"
        elif cmd == "proposals":
            items = [p.to_dict() for p in disposition.list_proposals(editor, args.status)]
            result = items
            text = "\n".join(f"{p['id']:26} {p['status']:9} {p['proposed_by']:14} {' '.join(p['dossiers'])}"
                             for p in items)
        elif cmd == "records":
            result = disposition.list_records(editor)
            text = "\n".join(f"{r['id']:26} {r['approved_at']} {r['proposed_by']} + {r['approved_by']} "
                             f"{r['object_count']} objects  {' '.join(r['dossiers'])}" for r in result)
        else:
            result = disposition.get_record(editor, args.record)
            text = "\n".join(f"{o['sha256']}  {o['size']:>10}  {o['key']}" for d in result["dossiers"]
                             for doc in d["documents"] for o in doc["objects"])
        if args.json:
            print_json(result)
        elif text:
            print(text)
    return 0
