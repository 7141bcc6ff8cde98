"""Throughput of the distributed pipeline: pages per minute with 1 and with 2 `records worker` processes on the
same pages, and as a ratio of plain `tesseract` (OMP_THREAD_LIMIT=1, one process per core) on the same pages.

Also runs the in-process pool on the same pages, to show what the queue itself costs. The in-process run is timed
over `records ingest` (intake included), the RQ runs from the workers' start (intake done before); so RQ is also timed
the in-process way once (workers running, from the start of `records ingest --wait`), for a ratio on one basis.

Usage: python bench/throughput.py [--redis URL] [--copies N] [--workers 1,2] [--samples DIR] [--json]

The pages are the shared samples that need OCR (scans; the born-digital PDFs are left out), ingested `--copies`
times under different agencies (so they are distinct documents). The pipeline runs on RQ with the local store and
the tantivy index; each run is timed from the workers' start until every document is final. The baseline runs
`tesseract IMAGE out -l LANG txt` per page, with the sample's known language, on page images rasterised the way
tesseract needs them (PDF pages at 300 DPI, TIFF pages split); the pipeline detects the language itself and also
cleans the page, writes word boxes, a searchable PDF and indexes the text, so the ratio is its whole overhead.
Redis: a private `redis-server` on a free port, started and stopped by the bench (a shared test Redis may be
emptied by other test runs halfway); or --redis URL (that database is emptied).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = Path(os.environ.get("RECORDS_SHARED", REPO.parent / "shared")) / "samples"  # as the tests find them


def scanned_samples(samples: Path) -> list[tuple[Path, str, int]]:
    """(file, tesseract language, pages) of each sample that needs OCR."""
    out = []
    for meta_path in sorted(samples.glob("*.meta.json")):
        meta = json.loads(meta_path.read_text())
        if meta["format"] == "pdf_text":
            continue
        name = meta_path.name.removesuffix(".meta.json")
        [file] = [p for p in samples.glob(name + ".*") if not p.name.endswith((".gt.txt", ".meta.json"))]
        out.append((file, meta["language"], int(meta["pages"])))
    return out


def bench_env(home: Path, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECORDS_")}
    env.update(RECORDS_HOME=str(home), RECORDS_REDIS_URL=redis_url, OMP_THREAD_LIMIT="1", PYTHONPATH=str(REPO))
    return env


def children_cpu() -> float:
    """CPU seconds of every finished child of this process (and theirs: pool processes, work horses)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def records(args: list[str], env: dict[str, str]) -> dict:
    proc = subprocess.run([sys.executable, "-m", "cli.main", *args, "--json"], env=env, cwd=REPO,
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def run_pipeline(files: list[Path], copies: int, workers: int, redis_url: str, scratch: Path) -> dict:
    """Ingest the files `copies` times, then time `workers` worker processes until every document is final."""
    from redis import Redis

    conn = Redis.from_url(redis_url)
    conn.flushdb()
    home = scratch / f"home-{workers}"
    shutil.rmtree(home, ignore_errors=True)
    env = bench_env(home, redis_url)
    ids, pages = [], 0
    for copy in range(copies):
        summary = records(["ingest", *map(str, files), "--agency", f"bench-{copy}"], env)
        ids += [d["id"] for d in summary["documents"]]
        pages += sum(d["pages"] for d in summary["documents"])
    procs = []
    started = time.monotonic()
    for n in range(workers):
        procs.append(subprocess.Popen([sys.executable, "-m", "cli.main", "worker", "--name", f"bench-{n}"], env=env,
                                      cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      start_new_session=True))
    try:
        while True:
            states = [s.decode() if s else None for s in conn.hmget("records:docstate", ids)]
            if all(s in ("processed", "failed") for s in states):
                break
            time.sleep(0.2)
        elapsed = time.monotonic() - started
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=120)
    failed = states.count("failed")
    for doc_id, state in zip(ids, states, strict=True):
        if state == "failed":  # say why: a failure in a benchmark is a bug to chase
            manifest = json.loads((home / "store" / "documents" / doc_id / "manifest.json").read_text())
            print(f"  failed {doc_id} {manifest['original']['filename']}: {manifest['error']}", file=sys.stderr)
    print(f"  {workers} worker(s): {pages} pages in {elapsed:.1f} s", file=sys.stderr, flush=True)
    return {"workers": workers, "documents": len(ids), "pages": pages, "failed": failed,
            "seconds": round(elapsed, 1), "pages_per_minute": round(pages * 60 / elapsed, 1)}


def run_pipeline_with_intake(files: list[Path], copies: int, workers: int, redis_url: str, scratch: Path) -> dict:
    """The same pages on RQ timed as the in-process run is: `workers` workers already running, from the start of
    `records ingest --wait` (intake included) until it returns."""
    from redis import Redis
    from rq import Worker

    conn = Redis.from_url(redis_url)
    conn.flushdb()
    home = scratch / f"home-intake-{workers}"
    shutil.rmtree(home, ignore_errors=True)
    env = bench_env(home, redis_url)
    procs = [subprocess.Popen([sys.executable, "-m", "cli.main", "worker", "--name", f"bench-i{n}"], env=env,
                              cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
             for n in range(workers)]
    try:
        deadline = time.monotonic() + 120
        while len(Worker.all(connection=conn)) < workers and time.monotonic() < deadline:
            time.sleep(0.2)
        cpu = children_cpu()
        pages, elapsed = 0, 0.0
        for copy in range(copies):
            started = time.monotonic()
            summary = records(["ingest", *map(str, files), "--agency", f"bench-{copy}", "--wait"], env)
            elapsed += time.monotonic() - started
            pages += sum(d["pages"] or 0 for d in summary["documents"] if d["status"] == "processed")
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=120)
    # Workers' CPU counts from their start (model loading included), the ingest commands' too.
    cpu = children_cpu() - cpu
    print(f"  {workers} worker(s), intake included: {pages} pages in {elapsed:.1f} s", file=sys.stderr, flush=True)
    return {"workers": workers, "pages": pages, "seconds": round(elapsed, 1),
            "pages_per_minute": round(pages * 60 / elapsed, 1), "cpu_s_per_page": round(cpu / pages, 3)}


def make_dossier(samples: list[tuple[Path, str, int]], pages: int, scratch: Path) -> Path:
    """One image-only PDF of `pages` pages, cycling through the single-page image samples (a scanned dossier)."""
    from PIL import Image

    images = [f for f, _, n in samples if n == 1 and f.suffix.lower() in (".png", ".jpg", ".jpeg")]
    frames = [Image.open(images[i % len(images)]).convert("RGB") for i in range(pages)]
    path = scratch / f"dossier-{pages}.pdf"
    frames[0].save(path, save_all=True, append_images=frames[1:], resolution=200)
    return path


def run_in_process(files: list[Path], copies: int, cores: int, scratch: Path) -> dict:
    """The same pages through the embedded in-process pool (`records ingest` without Redis, `cores` processes),
    to see what the distributed queue costs. Timed over the whole ingest, intake included."""
    env = bench_env(scratch / "home-embedded", "")
    env.pop("RECORDS_REDIS_URL")
    env["RECORDS_WORKERS"] = str(cores)
    pages, elapsed, cpu = 0, 0.0, children_cpu()
    for copy in range(copies):
        started = time.monotonic()
        summary = records(["ingest", *map(str, files), "--agency", f"bench-{copy}"], env)
        elapsed += time.monotonic() - started
        pages += sum(d["pages"] or 0 for d in summary["documents"] if d["status"] == "processed")
    cpu = children_cpu() - cpu
    return {"processes": cores, "pages": pages, "seconds": round(elapsed, 1),
            "pages_per_minute": round(pages * 60 / elapsed, 1), "cpu_s_per_page": round(cpu / pages, 3)}


def page_images(samples: list[tuple[Path, str, int]], scratch: Path) -> list[tuple[Path, str]]:
    """One image file per page, for plain tesseract."""
    import pypdfium2
    from PIL import Image

    out = []
    folder = scratch / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    for file, lang, _ in samples:
        if file.suffix.lower() == ".pdf":
            pdf = pypdfium2.PdfDocument(str(file))
            for i in range(len(pdf)):
                path = folder / f"{file.stem}-{i + 1}.png"
                pdf[i].render(scale=300 / 72).to_pil().save(path)
                out.append((path, lang))
        elif file.suffix.lower() in (".tif", ".tiff"):
            with Image.open(file) as img:
                for i in range(getattr(img, "n_frames", 1)):
                    img.seek(i)
                    path = folder / f"{file.stem}-{i + 1}.png"
                    img.save(path)
                    out.append((path, lang))
        else:
            out.append((file, lang))
    return out


def run_tesseract(pages: list[tuple[Path, str]], copies: int, cores: int, scratch: Path) -> dict:
    """Plain tesseract over every page `copies` times, `cores` processes at a time, one thread each."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    jobs = [(path, lang, scratch / f"out-{n}") for n, (path, lang) in enumerate(pages * copies)]

    def one(job) -> None:
        path, lang, out = job
        subprocess.run(["tesseract", str(path), str(out), "-l", lang, "txt"], env=env, check=True,
                       capture_output=True)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=cores) as pool:
        list(pool.map(one, jobs))
    elapsed = time.monotonic() - started
    return {"processes": cores, "pages": len(jobs), "seconds": round(elapsed, 1),
            "pages_per_minute": round(len(jobs) * 60 / elapsed, 1)}


@contextmanager
def private_redis(scratch: Path) -> Iterator[str]:
    """A redis-server of our own on a free loopback port, for the bench's duration."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                             "--appendonly", "no", "--dir", str(scratch)], stdout=subprocess.DEVNULL)
    try:
        from redis import Redis

        url = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + 30
        while True:
            try:
                Redis.from_url(url).ping()
                break
            except Exception:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _pipeline_runs(samples, files: list[Path], args, redis_url: str, scratch: Path) -> tuple[list, list]:
    runs = [run_pipeline(files, args.copies, int(w), redis_url, scratch) for w in args.workers.split(",")]
    runs[-1]["with_intake"] = run_pipeline_with_intake(files, args.copies, int(args.workers.split(",")[-1]),
                                                       redis_url, scratch)
    dossier = []
    if args.dossier_pages:
        path = make_dossier(samples, args.dossier_pages, scratch)
        dossier = [run_pipeline([path], 1, int(w), redis_url, scratch) for w in args.workers.split(",")]
    return runs, dossier


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", help="Redis URL (default: a private redis-server started for the bench)")
    parser.add_argument("--copies", type=int, default=2, help="times each sample is ingested (default 2)")
    parser.add_argument("--workers", default="1,2", help="worker counts to measure (default 1,2)")
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    parser.add_argument("--dossier-pages", type=int, default=12,
                        help="also time one scanned dossier of this many pages (0: skip; default 12)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    samples = scanned_samples(args.samples)
    files = [f for f, _, _ in samples]
    cores = os.cpu_count() or 1
    scratch = Path(tempfile.mkdtemp(prefix="records-throughput-"))
    try:
        with ExitStack() as stack:
            redis_url = args.redis or stack.enter_context(private_redis(scratch))
            runs, dossier = _pipeline_runs(samples, files, args, redis_url, scratch)
        embedded = run_in_process(files, args.copies, cores, scratch)
        baseline = run_tesseract(page_images(samples, scratch), args.copies, cores, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result = {"cores": cores, "pipeline": runs, "dossier": dossier, "in_process": embedded, "tesseract": baseline}
    by_workers = {r["workers"]: r["pages_per_minute"] for r in runs}
    if 1 in by_workers and 2 in by_workers:
        result["speedup_2_vs_1"] = round(by_workers[2] / by_workers[1], 2)
    best = max(runs, key=lambda r: r["workers"] <= cores and r["pages_per_minute"])
    result["pipeline_vs_tesseract"] = round(best["pages_per_minute"] / baseline["pages_per_minute"], 2)
    result["rq_vs_in_process"] = round(best["pages_per_minute"] / embedded["pages_per_minute"], 2)
    # The same basis as the in-process run (intake and command start timed too):
    same = runs[-1]["with_intake"]
    result["rq_with_intake_vs_tesseract"] = round(same["pages_per_minute"] / baseline["pages_per_minute"], 2)
    result["in_process_vs_tesseract"] = round(embedded["pages_per_minute"] / baseline["pages_per_minute"], 2)
    result["rq_with_intake_vs_in_process"] = round(same["pages_per_minute"] / embedded["pages_per_minute"], 2)
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    for r in runs:
        print(f"pipeline, {r['workers']} worker(s): {r['pages']} pages of {r['documents']} documents in "
              f"{r['seconds']} s = {r['pages_per_minute']} pages/min ({r['failed']} failed)")
    for r in dossier:
        print(f"one {r['pages']}-page dossier, {r['workers']} worker(s): {r['seconds']} s = "
              f"{r['pages_per_minute']} pages/min")
    same = runs[-1]["with_intake"]
    print(f"pipeline, {same['workers']} worker(s) already running, timed from `records ingest --wait` as the "
          f"in-process pool is: {same['pages']} pages in {same['seconds']} s = {same['pages_per_minute']} pages/min")
    print(f"in-process pool, {cores} processes: {embedded['pages']} pages in {embedded['seconds']} s = "
          f"{embedded['pages_per_minute']} pages/min")
    print(f"CPU seconds a page, all processes, intake included: RQ {same['cpu_s_per_page']}, in-process "
          f"{embedded['cpu_s_per_page']}")
    print(f"plain tesseract, {cores} processes: {baseline['pages']} pages in {baseline['seconds']} s = "
          f"{baseline['pages_per_minute']} pages/min")
    if "speedup_2_vs_1" in result:
        print(f"2 workers vs 1: {result['speedup_2_vs_1']}x")
    print(f"pipeline ({best['workers']} workers) / plain tesseract ({cores} processes): "
          f"{result['pipeline_vs_tesseract']}")
    print(f"RQ ({best['workers']} workers) / in-process pool ({cores} processes): {result['rq_vs_in_process']}")
    print(f"same basis (intake timed): RQ / plain tesseract {result['rq_with_intake_vs_tesseract']}, in-process / "
          f"plain tesseract {result['in_process_vs_tesseract']}, RQ / in-process "
          f"{result['rq_with_intake_vs_in_process']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
