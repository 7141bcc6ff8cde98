"""`records fonds`, `records dossier`, `records retention`, `records hold` / `unhold`: the archival records."""

from __future__ import annotations

import argparse

from cli.archive_common import editor_for, retention_text
from cli.common import as_user_flag, json_flag
from cli.output import print_json

DOSSIER_FIELDS = ("fonds", "retention", "access_level", "language", "start_date", "end_date", "keywords",
                  "physical_condition", "paper_code", "notes")


def _dossier_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fonds", help="fonds code (mã phông)")
    p.add_argument("--retention", help="'permanent' or a number of years (thời hạn bảo quản)")
    p.add_argument("--access-level", dest="access_level", help="public, internal or restricted")
    p.add_argument("--language", help="three-letter code: vie, eng, fra, urd, ara")
    p.add_argument("--start-date", dest="start_date", help="yyyy-mm-dd")
    p.add_argument("--end-date", dest="end_date", help="yyyy-mm-dd")
    p.add_argument("--keywords", help="comma-separated")
    p.add_argument("--physical-condition", dest="physical_condition", help="tình trạng vật lý")
    p.add_argument("--paper-code", dest="paper_code", help="code of the paper original (mã hồ sơ giấy)")
    p.add_argument("--notes")


def add_parser(sub) -> None:
    """Register `fonds`, `dossier`, `retention`, `hold`, `unhold`."""
    f = sub.add_parser("fonds", help="fonds (phông lưu trữ): add, list")
    fs = f.add_subparsers(dest="fonds_cmd", required=True)
    a = fs.add_parser("add", help="add a fonds")
    a.add_argument("code")
    a.add_argument("--name", required=True)
    a.add_argument("--agency", help="owning agency (default: the --as user's)")
    a.add_argument("--description")
    lst = fs.add_parser("list", help="list fonds")
    for p in (a, lst):
        as_user_flag(p)
        json_flag(p)
    f.set_defaults(func=run_fonds)

    d = sub.add_parser("dossier", help="dossiers (hồ sơ): create, edit, show, list, add documents")
    ds = d.add_subparsers(dest="dossier_cmd", required=True)
    c = ds.add_parser("create", help="create a dossier")
    c.add_argument("code")
    c.add_argument("--title", required=True)
    c.add_argument("--agency", help="owning agency (default: the --as user's)")
    _dossier_options(c)
    e = ds.add_parser("edit", help="change fields of a dossier")
    e.add_argument("code")
    e.add_argument("--title")
    _dossier_options(e)
    s = ds.add_parser("show", help="a dossier's record, counts, retention and documents")
    s.add_argument("code")
    ls = ds.add_parser("list", help="dossiers you may see")
    ls.add_argument("--fonds")
    ls.add_argument("--agency")
    ls.add_argument("--query", help="words of the code, title, keywords or paper code (marks and case ignored)")
    ad = ds.add_parser("add", help="move documents into the dossier (each move is a revision of the document)")
    ad.add_argument("code")
    ad.add_argument("documents", nargs="+", metavar="ID")
    rm = ds.add_parser("remove", help="take documents out of their dossier")
    rm.add_argument("documents", nargs="+", metavar="ID")
    al = ds.add_parser("access-level", help="set documents' access level (public, internal, restricted)")
    al.add_argument("level")
    al.add_argument("documents", nargs="+", metavar="ID")
    for p in (c, e, s, ls, ad, rm, al):
        as_user_flag(p)
        json_flag(p)
    d.set_defaults(func=run_dossier)

    r = sub.add_parser("retention", help="the agency's retention schedule: show, set")
    rs = r.add_subparsers(dest="retention_cmd", required=True)
    show = rs.add_parser("show", help="the schedule")
    show.add_argument("--agency")
    st = rs.add_parser("set", help="set a period ('permanent', years, or 'none' to remove the rule)")
    st.add_argument("period")
    target = st.add_mutually_exclusive_group(required=True)
    target.add_argument("--doc-type", dest="doc_type")
    target.add_argument("--dossier", help="dossier code or pattern such as HS-TD-*")
    target.add_argument("--default", action="store_true")
    st.add_argument("--agency")
    for p in (show, st):
        as_user_flag(p)
        json_flag(p)
    r.set_defaults(func=run_retention)

    for name, text in (("hold", "put a dossier under legal hold (stops disposition)"),
                       ("unhold", "lift a dossier's legal hold")):
        h = sub.add_parser(name, help=text)
        h.add_argument("code", metavar="DOSSIER")
        h.add_argument("--reason", required=True)
        as_user_flag(h)
        json_flag(h)
        h.set_defaults(func=run_hold)


def run_fonds(args: argparse.Namespace) -> int:
    """`records fonds add|list`."""
    from archives.fonds import add_fonds, visible_fonds

    with editor_for(args) as editor:
        if args.fonds_cmd == "add":
            fonds = add_fonds(editor, args.code, args.name, args.agency, args.description)
            if args.json:
                print_json(fonds.to_dict())
            else:
                print(f"fonds {fonds.code} ({fonds.name}, agency {fonds.agency}) added")
            return 0
        items = visible_fonds(editor)
        if args.json:
            print_json([f.to_dict() for f in items])
        for f in [] if args.json else items:
            print(f"{f.code:20} {f.agency:16} {f.name}")
    return 0


def _fields(args: argparse.Namespace) -> dict:
    return {name: getattr(args, name) for name in DOSSIER_FIELDS if getattr(args, name, None) is not None}


def run_dossier(args: argparse.Namespace) -> int:
    """`records dossier create|edit|show|list|add|remove|access-level`."""
    from archives import dossiers, placement

    with editor_for(args) as editor:
        store = editor.backends.store
        cmd = args.dossier_cmd
        if cmd == "list":
            views = [dossiers.dossier_view(store, d)
                     for d in dossiers.visible_dossiers(editor, fonds=args.fonds, agency=args.agency, query=args.query)]
            if args.json:
                print_json(views)
            for v in [] if args.json else views:
                print(f"{v['code']:24} {v['agency']:14} {v['fonds'] or '-':12} "
                      f"{retention_text(v['effective_retention']):12} {v['expires_on'] or '-':10} {v['state']:9} "
                      f"{v['document_count']:4} docs  {v['title']}")
            return 0
        if cmd in ("add", "remove", "access-level"):
            results = []
            for doc_id in args.documents:
                if cmd == "access-level":
                    m = placement.set_access_level(editor, doc_id, args.level)
                else:
                    m = placement.move_to_dossier(editor, doc_id, args.code if cmd == "add" else None)
                results.append({"id": m.id, "dossier": m.dossier, "access_level": m.access_level})
            if args.json:
                print_json(results)
            for r in [] if args.json else results:
                print(f"{r['id']}  dossier {r['dossier'] or '-'}  access level {r['access_level'] or '-'}")
            return 0
        if cmd == "create":
            dossier = dossiers.create_dossier(editor, args.code, args.title, args.agency, **_fields(args))
        elif cmd == "edit":
            changes = _fields(args)
            if args.title is not None:
                changes["title"] = args.title
            dossier = dossiers.edit_dossier(editor, args.code, changes)
        else:
            dossier = dossiers.visible_dossier(editor, args.code)
        view = dossiers.dossier_view(store, dossier)
        if args.json:
            print_json(view)
        else:
            _print_dossier(view)
    return 0


def _print_dossier(v: dict) -> None:
    hold = v.get("legal_hold")
    rows = [("code", v["code"]), ("title", v["title"]), ("agency", v["agency"]), ("fonds", v["fonds"]),
            ("retention", retention_text(v["effective_retention"])), ("expires on", v["expires_on"]),
            ("access level", v["access_level"]), ("language", v["language"]),
            ("dates", f"{v['start_date'] or '?'} .. {v['end_date'] or '?'}"),
            ("documents", f"{v['document_count']} ({v['page_count']} pages)"), ("state", v["state"]),
            ("legal hold", f"{hold['reason']} (by {hold['by']}, {hold['at']})" if hold else None),
            ("destroyed", f"{v['destroyed']['at']} (record {v['destroyed']['record']})" if v["destroyed"] else None)]
    for name, value in rows:
        if value not in (None, ""):
            print(f"{name:13} {value}")
    for doc_id in v["documents"]:
        print(f"  {doc_id}")


def run_retention(args: argparse.Namespace) -> int:
    """`records retention show|set`."""
    from archives.access import can_manage_archive
    from archives.retention import get_schedule, set_rule
    from changes.core import ChangeRefused

    with editor_for(args) as editor:
        agency = args.agency or editor.principal.agency
        if not agency:
            raise ChangeRefused("say which agency's schedule (--agency)")
        if args.retention_cmd == "show":
            if not (editor.principal.all_agencies or agency == editor.principal.agency):
                raise ChangeRefused("you may read your own agency's schedule only")
            schedule = get_schedule(editor.backends.store, agency)
        else:
            if not can_manage_archive(editor.principal, agency):
                raise ChangeRefused("only administrators of the agency change its retention schedule")
            period = None if args.period.lower() == "none" else args.period
            schedule = set_rule(editor.backends.store, agency, doc_type=args.doc_type, dossier=args.dossier,
                                default=args.default, period=period)
            editor.audit("retention.set", args.doc_type or args.dossier or "default", agency, period=period)
        if args.json:
            print_json(schedule.to_dict())
        else:
            for kind, rules in (("type", schedule.doc_types), ("dossier", schedule.dossiers)):
                for key, period in sorted(rules.items()):
                    print(f"{kind:8} {key:24} {retention_text(period)}")
            print(f"default  {'':24} {retention_text(schedule.default)}")
    return 0


def run_hold(args: argparse.Namespace) -> int:
    """`records hold|unhold DOSSIER --reason TEXT`."""
    from archives.holds import lift_hold, set_hold

    with editor_for(args) as editor:
        fn = set_hold if args.command == "hold" else lift_hold
        dossier = fn(editor, args.code, args.reason)
        if args.json:
            print_json(dossier.to_dict())
        else:
            print(f"dossier {dossier.display_code}: " + ("on legal hold" if dossier.legal_hold else "hold lifted"))
    return 0
