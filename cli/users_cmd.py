"""`records users add|list|disable|rotate`: manage the people who may use the API and web UI."""

from __future__ import annotations

import argparse
import json
import sys

import settings as settings_module
from catalog import ROLES, add_user, append_audit, disable_user, list_users, open_catalog, rotate_token
from documents.errors import RecordsError


def add_parser(subparsers) -> None:
    """Register `records users ...`."""
    p = subparsers.add_parser("users", help="add, list, disable users; each user gets an API token")
    sub = p.add_subparsers(dest="users_cmd", required=True)
    a = sub.add_parser("add", help="create a user and print its API token (shown once)")
    a.add_argument("name")
    a.add_argument("--agency", required=True, help="the agency the user belongs to")
    a.add_argument("--role", required=True, choices=ROLES)
    a.add_argument("--json", action="store_true", help="print one JSON object")
    lst = sub.add_parser("list", help="list users")
    lst.add_argument("--agency", help="only this agency's users")
    lst.add_argument("--json", action="store_true")
    d = sub.add_parser("disable", help="disable a user (its token stops working)")
    d.add_argument("name")
    d.add_argument("--json", action="store_true")
    r = sub.add_parser("rotate", help="issue a new token for a user (the old one stops working)")
    r.add_argument("name")
    r.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run one `users` subcommand; 0 on success, 2 on a refused request."""
    cat = open_catalog(settings_module.load())
    try:
        return _run(cat, args)
    except RecordsError as exc:
        print(f"records users: {exc.reason}", file=sys.stderr)
        return 2
    finally:
        cat.close()


def _run(cat, args) -> int:
    if args.users_cmd == "add":
        user, token = add_user(cat, args.name, args.agency, args.role, created_by="local")
        append_audit(cat, user="local", agency=None, role="admin", action="user.add", target=user.name,
                     detail={"agency": user.agency, "role": user.role}, client="cli")
        if args.json:
            print(json.dumps({**user.to_dict(), "token": token}, ensure_ascii=False))
        else:
            print(f"user {user.name} ({user.role}, agency {user.agency}) created.")
            print("API token (shown only once, keep it safe):")
            print(token)
        return 0
    if args.users_cmd == "list":
        users = list_users(cat, args.agency)
        if args.json:
            print(json.dumps([u.to_dict() for u in users], ensure_ascii=False))
        else:
            for u in users:
                print(f"{u.name:24} {u.agency:16} {u.role:8} {'disabled' if u.disabled else 'active':8} "
                      f"{u.created_at}")
        return 0
    if args.users_cmd == "disable":
        disable_user(cat, args.name)
        append_audit(cat, user="local", agency=None, role="admin", action="user.disable", target=args.name,
                     client="cli")
        print(json.dumps({"name": args.name, "disabled": True}) if args.json else f"user {args.name} disabled")
        return 0
    token = rotate_token(cat, args.name)
    append_audit(cat, user="local", agency=None, role="admin", action="user.rotate", target=args.name, client="cli")
    print(json.dumps({"name": args.name, "token": token}) if args.json else token)
    return 0
