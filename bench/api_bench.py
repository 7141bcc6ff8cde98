"""Search latency through the HTTP API in embedded mode: p50/p95 of 1-word, 2-word and phrase queries (with facets,
highlights and the audit entry every search writes) over N synthetic documents (default 100,000), and the server
time of the web UI's search page (HTML with a thumbnail per hit; plain and with a facet value chosen).

    .venv/bin/python bench/api_bench.py [--docs 100000] [--queries 300] [--home DIR] [--json]

The documents go straight into the tantivy index (the store is not needed to search); `records serve` runs in its
own process on loopback and is called over real HTTP, one request at a time, as an officer of one of 10 agencies,
so the access filter is part of every query. The same queries are also timed straight on the index.
`--home DIR` keeps the built index for a faster second run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from catalog import add_user, open_catalog  # noqa: E402
from index.base import Access, IndexDoc, IndexedPage, SearchRequest  # noqa: E402
from settings import Settings  # noqa: E402


def _words(text: str) -> list[str]:
    return text.split()


AGENCIES = [f"so-{i}" for i in range(10)]
TYPES = ["decision", "official_letter", "notice", "report", "plan", "certificate", "permit", "land_record"]
LANGS = ["vie", "vie", "vie", "eng", "urd", "ara"]
WORDS_VI = _words("quyết định ngân sách ủy ban nhân dân tỉnh huyện xã phường công văn thông báo kế hoạch báo cáo "
                  "đất đai xây dựng giấy phép chứng nhận quyền sử dụng hộ gia đình cá nhân tổ chức thực hiện năm "
                  "phê duyệt dự án đầu tư công trình giao thông thủy lợi giáo dục y tế văn hóa thể thao du lịch "
                  "nguyễn trần lê phạm hoàng đức thanh minh hương lan sở tài chính nội vụ tư pháp")
WORDS_EN = _words("certificate occupancy building permit inspection license council meeting minutes budget land "
                  "record owner address approval department city public notice tax revenue hearing")
WORDS_UR = _words("میونسپل کمیٹی نوٹس ٹیکس زمین ریکارڈ درخواست منظوری شہر دفتر")


def synthetic(n: int, seed: int = 7):
    """N documents of 1-3 pages, 60-200 words a page, Zipf-ish word choice, mixed ACLs."""
    rng = random.Random(seed)
    vocab = WORDS_VI + WORDS_EN + WORDS_UR
    weights = [1 / (i + 1) ** 0.8 for i in range(len(vocab))]
    for i in range(n):
        agency = AGENCIES[i % len(AGENCIES)]
        vis = rng.choices(["private", "shared", "public"], [6, 2, 2])[0]
        pages = [IndexedPage(p + 1, " ".join(rng.choices(vocab, weights, k=rng.randint(60, 200))))
                 for p in range(rng.choice([1, 1, 2, 3]))]
        year = rng.randint(2000, 2025)
        yield IndexDoc(id=f"bench{i:07d}", agency=agency, visibility=vis,
                       shared_with=rng.sample(AGENCIES, 2) if vis == "shared" else [],
                       title=" ".join(rng.choices(vocab[:60], k=6)).capitalize(), doc_type=rng.choice(TYPES),
                       doc_number=f"{i}/QĐ-UBND",
                       issued_date=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                       language=rng.choice(LANGS), issuing_body=f"UBND {agency}", dossier=None, dossier_title=None,
                       tags=[], created_at="2025-01-01T00:00:00+00:00", pages=pages)


def build(settings: Settings, n: int) -> float:
    """Index N synthetic documents (skipped when the index already holds them); returns seconds taken."""
    from index import IndexCorrupt, open_index

    try:
        index = open_index(settings)
    except IndexCorrupt:  # built by an older schema: start again
        shutil.rmtree(settings.home / "index", ignore_errors=True)
        index = open_index(settings)
    try:
        if index.count() >= n:
            return 0.0
        index.clear()
        started, batch = time.perf_counter(), []
        for doc in synthetic(n):
            batch.append(doc)
            if len(batch) == 5000:
                index.upsert(batch)
                batch = []
        index.upsert(batch)
        return time.perf_counter() - started
    finally:
        index.close()


def queries(kind: str, rng: random.Random) -> str:
    common = WORDS_VI[:40] + WORDS_EN[:10]
    if kind == "1-word":
        return rng.choice(common)
    if kind == "2-word":
        return f"{rng.choice(common)} {rng.choice(common)}"
    return rng.choice(['"quyết định ngân sách"', '"ủy ban nhân dân"', '"giấy phép xây dựng"', '"quyen su dung"',
                       '"building permit"', '"public notice"', '"báo cáo kế hoạch"', '"nguyen duc thanh"'])


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


KINDS = ("1-word", "2-word", "phrase")


def time_index(settings: Settings, texts: dict[str, list[str]]) -> dict[str, list[float]]:
    """The same searches straight on the index, in this process, to tell the engine's time from the API's."""
    from index import open_index

    index = open_index(settings)
    access = Access(AGENCIES[3])
    out: dict[str, list[float]] = {}
    try:
        for kind, qs in texts.items():
            out[kind] = []
            for q in qs:
                started = time.perf_counter()
                index.search(SearchRequest(query=q, access=access, limit=20))
                out[kind].append((time.perf_counter() - started) * 1000)
    finally:
        index.close()
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_http(settings: Settings, token: str, texts: dict[str, list[str]]) -> tuple[dict, dict]:
    """Every search over HTTP against `records serve` running in its own process (as deployed: the client does
    not share the server's interpreter)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECORDS_")}  # embedded mode, whatever is set
    env.update(RECORDS_HOME=str(settings.home), OMP_THREAD_LIMIT="1")
    server = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", "--port", str(port), "--log-level",
                               "warning"], cwd=REPO, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/ready", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("records serve did not start")
            time.sleep(0.2)
        http_ms: dict[str, list[float]] = {}
        totals: dict[str, list[int]] = {}
        with httpx.Client(base_url=url, timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
            for kind, qs in texts.items():
                http_ms[kind], totals[kind] = [], []
                for q in qs:
                    started = time.perf_counter()
                    r = client.get("/api/search", params={"q": q, "limit": 20})
                    http_ms[kind].append((time.perf_counter() - started) * 1000)
                    r.raise_for_status()
                    body = r.json()
                    assert body["facets"], "facets are part of every measured query"
                    totals[kind].append(body["total"])
        # the web UI's search page (server-rendered HTML with a thumbnail per hit, 10 hits), plain and with one
        # facet value chosen (one more count-only search for that facet's counts), signed in by the session cookie
        with httpx.Client(base_url=url, timeout=30, cookies={"records_token": token}) as client:
            for kind, extra in (("page", {}), ("page+facet", {"type": "decision"})):
                http_ms[kind] = []
                for q in texts["1-word"]:
                    started = time.perf_counter()
                    r = client.get("/search", params={"q": q, **extra})
                    http_ms[kind].append((time.perf_counter() - started) * 1000)
                    r.raise_for_status()
                    assert "/thumbnail" in r.text or 'class="hit"' not in r.text, "thumbnails are on the page"
        return http_ms, totals
    finally:
        server.terminate()
        server.wait(timeout=60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300, help="timed queries per kind (after 30 warm-up)")
    parser.add_argument("--home", type=Path, help="data directory to build in / reuse (default: a temp dir)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    home = args.home or Path(tempfile.mkdtemp(prefix="records-bench-"))
    settings = Settings(home=home, workers=1)
    build_seconds = build(settings, args.docs)
    cat = open_catalog(settings)
    name = f"bench-officer-{int(time.time())}"
    _, token = add_user(cat, name, AGENCIES[3], "officer")
    cat.close()
    rng = random.Random(11)
    texts = {kind: [queries(kind, rng) for _ in range(args.queries + 30)] for kind in KINDS}
    index_ms = time_index(settings, texts)
    http_ms, totals = time_http(settings, token, texts)
    results: dict[str, dict] = {}
    for kind in KINDS:
        h, x = http_ms[kind][30:], index_ms[kind][30:]
        results[kind] = {"p50_ms": round(percentile(h, 50), 2), "p95_ms": round(percentile(h, 95), 2),
                         "mean_ms": round(statistics.fmean(h), 2), "index_p50_ms": round(percentile(x, 50), 2),
                         "index_p95_ms": round(percentile(x, 95), 2), "queries": len(h),
                         "median_hits": int(statistics.median(totals[kind]))}
    pages = {kind: {"p50_ms": round(percentile(http_ms[kind][30:], 50), 2),
                    "p95_ms": round(percentile(http_ms[kind][30:], 95), 2), "queries": len(http_ms[kind][30:])}
             for kind in ("page", "page+facet")}
    summary = {"documents": args.docs, "build_seconds": round(build_seconds, 1), "target_p95_ms": 50,
               "results": results, "search_page": pages}
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"{args.docs} documents (indexed in {summary['build_seconds']} s; 0 = reused), HTTP, embedded mode, "
              f"officer of {AGENCIES[3]}, limit 20 with facets and highlights")
        print(f"{'query':8} {'HTTP p50':>9} {'HTTP p95':>9} {'index p50':>10} {'index p95':>10} {'median hits':>12}"
              "   (ms)")
        for kind, r in results.items():
            print(f"{kind:8} {r['p50_ms']:9.2f} {r['p95_ms']:9.2f} {r['index_p50_ms']:10.2f} {r['index_p95_ms']:10.2f} "
                  f"{r['median_hits']:12d}")
        for kind, r in pages.items():
            print(f"web UI /search ({kind}, 1-word, thumbnails on): p50 {r['p50_ms']:.2f} ms, p95 {r['p95_ms']:.2f} ms")
    return 0 if all(r["p95_ms"] <= 50 for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
