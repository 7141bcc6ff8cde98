"""`records serve`: the HTTP API and the web UI (uvicorn)."""

from __future__ import annotations

import argparse


def add_parser(subparsers) -> None:
    """Register `records serve`."""
    p = subparsers.add_parser("serve", help="run the HTTP API (OpenAPI at /docs) and the web UI")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--log-level", default="info")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    import uvicorn

    import settings as settings_module
    from search_api.app import create_app

    app = create_app(settings_module.load())
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, proxy_headers=False)
    return 0
