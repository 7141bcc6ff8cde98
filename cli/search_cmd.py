"""`records search QUERY`: ranked hits with highlights and the pages they are on."""

from __future__ import annotations

import argparse
import re
from dataclasses import asdict

from cli.common import as_user_flag, audit_as, backends, json_flag, principal_for
from cli.output import print_json


def add_parser(sub) -> None:
    p = sub.add_parser("search", help="full-text search with filters and facets",
                       description='Query syntax: words, "exact phrases", AND / OR / NOT (or -word), prefix*, '
                                   "parentheses. Tones and letter variants are folded; exact matches rank first.")
    p.add_argument("query", nargs="?", default="", metavar="QUERY")
    as_user_flag(p)
    p.add_argument("--agency", help="only documents owned by this agency")
    p.add_argument("--type", dest="doc_type", help="only this document type (e.g. decision, notice)")
    p.add_argument("--from", dest="date_from", metavar="DATE", help="issued on or after (yyyy-mm-dd)")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="issued on or before (yyyy-mm-dd)")
    p.add_argument("--lang", dest="language", help="only this language (vie, eng, urd, ara)")
    p.add_argument("--dossier", help="only documents of this dossier")
    p.add_argument("--tag", help="only documents carrying this tag")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--sort", choices=("relevance", "date_desc", "date_asc"), default="relevance")
    json_flag(p)
    p.set_defaults(func=run)


def _plain(snippet: str) -> str:
    """Highlights for a terminal: <mark>x</mark> becomes [x], other markup unescaped."""
    import html

    return html.unescape(re.sub(r"</?mark>", lambda m: "]" if m.group(0)[1] == "/" else "[", snippet))


def run(args: argparse.Namespace) -> int:
    from index.base import SearchRequest, SearchResult

    be = backends()
    if args.limit < 1 or args.limit > 1000:
        raise ValueError("--limit must be between 1 and 1000")
    principal = principal_for(args, be)
    request = SearchRequest(query=args.query, access=principal.access, agency=args.agency,
                            doc_type=args.doc_type, language=args.language, date_from=args.date_from,
                            date_to=args.date_to, dossier=args.dossier, tag=args.tag, limit=args.limit,
                            offset=args.offset, sort=args.sort)
    narrowed = principal.narrow(request)
    audit_as(args, be, principal, "search", None, {"query": args.query, "agency": args.agency})
    result = be.index.search(narrowed) if narrowed is not None else SearchResult(0, [], {})
    if args.json:
        print_json({"total": result.total, "hits": [asdict(h) for h in result.hits], "facets": result.facets})
        return 0
    print(f"{result.total} document(s)")
    for rank, hit in enumerate(result.hits, start=args.offset + 1):
        pages = ", ".join(str(p) for p in hit.pages)
        print(f"{rank:>3}. {hit.title or '(untitled)'}  [{hit.doc_type}, {hit.language or '?'}, "
              f"{hit.issued_date or 'no date'}, {hit.agency}]  id {hit.id}  pages {pages or '-'}")
        for snippet in hit.highlights[:2]:
            print(f"       {_plain(snippet)}")
    return 0
