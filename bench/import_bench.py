"""Bench `records import`: files/min and the importer's peak memory as the number of files grows.

Generates N small born-digital PDFs (one short page with a text layer, so no OCR) in folders of 100, with a
CSV manifest giving each a title, type, date and dossier, then runs the real command line on a fresh
RECORDS_HOME and samples the importer's memory from /proc while it runs.

    .venv/bin/python bench/import_bench.py --counts 1000 10000 [--jobs 2] [--workdir /tmp/import-bench]

The importer must stay flat in memory: peak RSS under 300 MB at 10,000 files and about the same at 1,000.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PER_FOLDER = 100


def tiny_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF (A6 landscape) whose text layer holds `lines` (ASCII)."""
    ops = ["BT", "/F1 9 Tf", "11 TL", "20 260 Td"]
    for line in lines:
        safe = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({safe}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 298] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def generate(root: Path, manifest: Path, count: int) -> None:
    """`count` unique PDFs under `root` and a manifest row for each."""
    root.mkdir(parents=True)
    with open(manifest, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["path", "title", "doc_type", "issued_date", "dossier"])
        for n in range(count):
            folder = f"box-{n // PER_FOLDER:04d}"
            rel = f"{folder}/record-{n:06d}.pdf"
            (root / folder).mkdir(exist_ok=True)
            day, month, year = 1 + n % 28, 1 + n % 12, 1990 + n % 30
            lines = [
                "PROVINCIAL LAND OFFICE",
                f"Record no. {n}/LR-{year}",
                f"Issued {day:02d}/{month:02d}/{year}",
                f"Land parcel {n * 7 % 9973} in ward {n % 31}, registered to holder number {n * 13 % 100003}.",
                "This certificate confirms the registration of the parcel described above.",
            ]
            (root / rel).write_bytes(tiny_pdf(lines))
            writer.writerow([rel, f"Land record {n}", "land_record", f"{day:02d}/{month:02d}/{year}", folder])


def _status(pid: int, field: str) -> int:
    """A /proc/<pid>/status memory field in kB (0 once the process is gone)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def run(count: int, workdir: Path, jobs: int) -> dict:
    """Generate, import, measure one size."""
    base = workdir / f"n{count}"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    tree, manifest, home = base / "tree", base / "manifest.csv", base / "home"
    generate(tree, manifest, count)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECORDS_")}
    env.update(RECORDS_HOME=str(home), OMP_THREAD_LIMIT="1")
    cmd = [
        sys.executable,
        "-m",
        "cli.main",
        "import",
        str(tree),
        "--manifest",
        str(manifest),
        "--report",
        str(base / "report.csv"),
        "--jobs",
        str(jobs),
    ]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    samples: list[tuple[float, int]] = []  # (seconds, RSS kB) of the importer itself
    hwm = 0
    while proc.poll() is None:
        rss, peak = _status(proc.pid, "VmRSS"), _status(proc.pid, "VmHWM")
        hwm = max(hwm, peak)
        if rss:
            samples.append((time.monotonic() - started, rss))
        time.sleep(0.5)
    out, err = proc.communicate()
    seconds = time.monotonic() - started
    children_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kB; largest process of any run so far
    if proc.returncode != 0:
        raise SystemExit(f"import of {count} files exited {proc.returncode}:\n{err[-3000:]}\n{out[-2000:]}")
    with open(base / "report.csv", newline="", encoding="utf-8") as fh:
        states: dict[str, int] = {}
        for row in csv.DictReader(fh):
            states[row["status"]] = states.get(row["status"], 0) + 1
    quarter = [max((r for t, r in samples if t <= seconds * q / 4), default=0) // 1024 for q in (1, 2, 3, 4)]
    return {
        "files": count,
        "seconds": round(seconds, 1),
        "files_per_min": round(count / seconds * 60, 1),
        "importer_peak_rss_mb": round(hwm / 1024, 1),
        "rss_mb_by_quarter": quarter,
        "any_process_peak_rss_mb": round(children_peak / 1024, 1),
        "states": states,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/import-bench"))
    parser.add_argument("--keep", action="store_true", help="keep the generated trees and homes")
    args = parser.parse_args()
    results = []
    for count in args.counts:
        result = run(count, args.workdir, args.jobs)
        results.append(result)
        print(json.dumps(result), flush=True)
        if not args.keep:
            shutil.rmtree(args.workdir / f"n{count}", ignore_errors=True)
    print(f"{'files':>7} {'files/min':>10} {'importer peak RSS MB':>21} {'RSS by quarter MB':>20}")
    for r in results:
        print(
            f"{r['files']:>7} {r['files_per_min']:>10} {r['importer_peak_rss_mb']:>21} {r['rss_mb_by_quarter']!s:>20}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
