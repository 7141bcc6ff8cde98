"""Born-digital PDF pages (text layer kept, no OCR): pages per second of the page stage and of a whole ingest.

Usage: python bench/born_digital.py [--pages N] [--samples DIR] [--processes 1,2] [--ingest] [--json]

The document is one PDF of `--pages` pages (default 200) made by repeating the born-digital samples' pages (format
pdf_text: a Vietnamese letter and English minutes, each about 2,000 characters). "page stage" runs
`ocr.process_page` (text layer check, page image, thumbnail, word boxes, one-page PDF) over every page in
`--processes` processes, each page once, and reports pages/s by the wall clock and CPU ms per page of the
processes. One process is the rate of one worker; two are what the embedded default runs on this 2-core machine
(`RECORDS_WORKERS` defaults to the CPU count). The wall clock only means something on an idle machine: on a shared
one, compare CPU ms per page, and 1000 / (CPU ms per page) is the pages/s of one worker with a core to itself.
`--ingest` also times `records ingest` of the PDF with the embedded default (store, page stage,
assembly: merged PDF, metadata, index), from the command's start to its end, and counts the CPU time of the command
and its worker processes (user + system).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SAMPLES = Path(os.environ.get("RECORDS_SHARED", REPO.parent / "shared")) / "samples"


def born_digital_samples(samples: Path) -> list[Path]:
    """The samples whose pages carry a text layer."""
    out = []
    for meta_path in sorted(samples.glob("*.meta.json")):
        if json.loads(meta_path.read_text())["format"] == "pdf_text":
            out.append(samples / (meta_path.name.removesuffix(".meta.json") + ".pdf"))
    return out


def make_pdf(sources: list[Path], pages: int, out: Path) -> Path:
    """A PDF of `pages` pages cycling through the pages of `sources`."""
    import pypdfium2 as pdfium

    docs = [pdfium.PdfDocument(str(p)) for p in sources]
    plan = [(d, i) for d in docs for i in range(len(d))]
    doc = pdfium.PdfDocument.new()
    for n in range(pages):
        source, index = plan[n % len(plan)]
        doc.import_pages(source, [index])
    doc.save(str(out))
    return out


def _pages(path: str, indexes: list[int]) -> tuple[float, int]:
    """Run the page stage over some pages in this process; (CPU seconds, characters read)."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from ocr import process_page

    started, chars = time.process_time(), 0
    for index in indexes:
        page = process_page(Path(path), "pdf", index)
        assert page.method == "text_layer", f"page {index + 1} was OCR'd"
        chars += len(page.text)
    return time.process_time() - started, chars


def page_stage(pdf: Path, pages: int, processes: int) -> dict:
    """Every page once, spread over `processes` processes (the first page of each warms up imports, untimed)."""
    chunks = [list(range(k, pages, processes)) for k in range(processes)]
    with ProcessPoolExecutor(max_workers=processes) as pool:
        list(pool.map(_pages, [str(pdf)] * processes, [[0]] * processes))  # imports, pdfium, fonts
        started = time.perf_counter()
        results = list(pool.map(_pages, [str(pdf)] * processes, chunks))
        wall = time.perf_counter() - started
    cpu = sum(r[0] for r in results)
    return {"processes": processes, "pages": pages, "seconds": round(wall, 2),
            "pages_per_second": round(pages / wall, 1), "cpu_ms_per_page": round(cpu * 1000 / pages, 1),
            "chars": sum(r[1] for r in results)}


def whole_ingest(pdf: Path, pages: int, scratch: Path) -> dict:
    """`records ingest` of the PDF (embedded default), timed from start to end."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECORDS_")}
    env.update(RECORDS_HOME=str(scratch / "home"), OMP_THREAD_LIMIT="1", PYTHONPATH=str(REPO))
    started, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, "-m", "cli.main", "ingest", str(pdf), "--json"], env=env, cwd=REPO,
                          capture_output=True, text=True, check=True)
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    [doc] = json.loads(proc.stdout)["documents"]
    assert doc["status"] == "processed" and doc["pages"] == pages, doc
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime  # the command and its pool
    return {"pages": pages, "seconds": round(wall, 2), "pages_per_second": round(pages / wall, 1),
            "cpu_seconds": round(cpu, 2), "cpu_ms_per_page": round(cpu * 1000 / pages, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    parser.add_argument("--processes", default="1,2", help="process counts for the page stage (default 1,2)")
    parser.add_argument("--ingest", action="store_true", help="also time a whole `records ingest` of the PDF")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="records-born-digital-"))
    try:
        pdf = make_pdf(born_digital_samples(args.samples), args.pages, scratch / "born-digital.pdf")
        result = {"page_stage": [page_stage(pdf, args.pages, int(n)) for n in args.processes.split(",")]}
        if args.ingest:
            result["ingest"] = whole_ingest(pdf, args.pages, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    for run in result["page_stage"]:
        print(f"page stage, {run['processes']} process(es): {run['pages']} pages in {run['seconds']} s = "
              f"{run['pages_per_second']} pages/s ({run['cpu_ms_per_page']} CPU ms a page = "
              f"{1000 / run['cpu_ms_per_page']:.0f} pages/s per worker with a free core)")
    if "ingest" in result:
        run = result["ingest"]
        print(f"records ingest (embedded): {run['pages']} pages in {run['seconds']} s = {run['pages_per_second']} "
              f"pages/s ({run['cpu_seconds']} CPU s with its worker processes, {run['cpu_ms_per_page']} ms a page)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
