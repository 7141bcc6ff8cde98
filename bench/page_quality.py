"""Page quality flags measured: every sample page as scanned, and degraded copies of each (blurred, 100 dpi, dark,
blank, cut off). Prints one row per page with its measurements and flags, then the table the thresholds in
ocr/quality.py are judged by: degraded pages flagged (blank: recorded blank), clean pages flagged wrongly.

Usage: python bench/page_quality.py [--samples DIR] [--only NAME,...] [--jobs N] [--json]

The degraded copies are written as PNG files (with their DPI tag) to a temporary folder and read by the real page
pipeline (`ocr.pipeline.run_page`), so what is measured is what ingest records.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from documents.errors import RecordsError
from ocr.pipeline import run_page
from ocr.quality import assess
from ocr.sources import count_pages, load_image_page, open_pdf, render_pdf_page

KINDS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".tif": "tiff", ".tiff": "tiff", ".pdf": "pdf"}
DEGRADATIONS = ("blurred", "100dpi", "dark", "blank", "cut_off")
# What each degradation must produce: a flag with one of these reasons, or (blank) the blank mark.
EXPECTED = {"blurred": {"blurred"}, "100dpi": {"low_resolution"}, "dark": {"too_dark", "low_contrast"},
            "blank": {"blank"}, "cut_off": {"cut_off"}}


def scanned_page(path: Path, index: int = 0) -> tuple[np.ndarray, float]:
    """Page `index` of a sample as grey pixels and its resolution (a PDF page rendered at 300 dpi)."""
    kind = KINDS[path.suffix.lower()]
    if kind == "pdf":
        doc = open_pdf(path)
        try:
            gray, scale = render_pdf_page(doc, index, 200_000_000, drop_colour=True)
        finally:
            doc.close()
        return gray, scale * 72.0
    raw = load_image_page(path, kind, index, 200_000_000, drop_colour=True)
    return raw.gray, raw.dpi


def degrade(gray: np.ndarray, dpi: float, how: str) -> tuple[np.ndarray, float]:
    """A degraded copy of a page: what a careless scan gives. Returns (pixels, dpi)."""
    if how == "blurred":  # out of focus: a 2.5 pixel Gaussian at 200 dpi (0.32 mm)
        return cv2.GaussianBlur(gray, (0, 0), 2.5 * dpi / 200.0), dpi
    if how == "100dpi":
        factor = 100.0 / dpi
        return cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA), 100.0
    if how == "dark":  # lid open, or exposure far too low: paper at a third of white
        return (gray.astype(np.float32) * 0.35).astype(np.uint8), dpi
    if how == "blank":  # the back of a sheet: paper grain only
        noise = np.random.default_rng(7).normal(0, 4, gray.shape)
        return np.clip(245 + noise, 0, 255).astype(np.uint8), dpi
    if how == "cut_off":  # the sheet slid: the right 40 % of every line is missing
        return np.ascontiguousarray(gray[:, : int(gray.shape[1] * 0.6)]), dpi
    raise ValueError(f"unknown degradation {how}")


def write_png(gray: np.ndarray, dpi: float, path: Path) -> Path:
    """Save a page as PNG with its DPI tag."""
    Image.fromarray(gray).save(path, dpi=(dpi, dpi))
    return path


def degraded_copies(sample: Path, folder: Path, kinds: tuple[str, ...] = DEGRADATIONS) -> dict[str, Path]:
    """Write the degraded copies of a sample's first page into `folder`: degradation -> PNG path."""
    gray, dpi = scanned_page(sample)
    return {how: write_png(*degrade(gray, dpi, how), folder / f"{sample.stem}.{how}.png") for how in kinds}


def page_result(path: Path, index: int, lang: str = "auto") -> dict:
    """Run the real page pipeline on one page and assess it: measurements, blank, flag reasons."""
    out = run_page(path, KINDS[path.suffix.lower()], index, lang, want_pdf=False)
    blank, flags = assess(out.quality, language=out.language)
    return {"quality": out.quality, "blank": blank, "method": out.method,
            "flags": [{"kind": f.kind, "reason": f.reason, "detail": f.detail} for f in flags]}


def caught(result: dict, how: str) -> bool:
    """Whether a degraded page got what its degradation must produce."""
    reasons = {f["reason"] for f in result["flags"]} | ({"blank"} if result["blank"] else set())
    return bool(reasons & EXPECTED[how])


def _job(args: tuple[str, int, str, str]) -> dict:
    path, index, name, how = args
    row = {"name": name, "page": index + 1, "degradation": how}
    started = time.monotonic()
    try:
        row.update(page_result(Path(path), index))
    except RecordsError as exc:  # the page fails ingest: a clerk sees the reason, not a flag
        row.update(quality={}, blank=False, method="failed", flags=[], error=str(exc))
    row["seconds"] = round(time.monotonic() - started, 1)
    return row


def _print_row(r: dict) -> None:
    q = r["quality"]
    reasons = ",".join(f["reason"] for f in r["flags"]) + (" BLANK" if r["blank"] else "") + r.get("error", "")
    print(f"{r['name']:8} p{r['page']} {r['degradation']:8} {r['seconds']:5}s dpi={q.get('dpi')} "
          f"sharp={q.get('sharpness')} paper={q.get('paper')} contrast={q.get('contrast')} ink={q.get('ink')} "
          f"edge={q.get('edge_words')}/{q.get('edge_glyphs')} conf={q.get('confidence')} "
          f"known={q.get('known_words')} -> {reasons or '-'}",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    shared = Path(os.environ.get("RECORDS_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    parser.add_argument("--samples", type=Path, default=shared / "samples")
    parser.add_argument("--only", default="", help="comma-separated sample names (default: all)")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    only = {s for s in args.only.split(",") if s}
    files = sorted(p for p in args.samples.iterdir() if p.suffix.lower() in KINDS and ".gt" not in p.name
                   and (not only or p.stem in only))
    with tempfile.TemporaryDirectory(prefix="page-quality-") as tmp:
        jobs = []
        for path in files:
            for index in range(count_pages(path, KINDS[path.suffix.lower()])):
                jobs.append((str(path), index, path.stem, "clean"))
            for how, copy in degraded_copies(path, Path(tmp)).items():
                jobs.append((str(copy), 0, path.stem, how))
        rows = []
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            for r in pool.map(_job, jobs):
                rows.append(r)
                if not args.json:
                    _print_row(r)
    if args.json:
        print(json.dumps(rows, indent=1))
    print("\n| pages | count | flagged as expected | flagged for rescan | flagged for review |")
    print("|---|---|---|---|---|")
    clean = [r for r in rows if r["degradation"] == "clean"]
    rescan = sum(1 for r in clean if any(f["kind"] == "rescan" for f in r["flags"]))
    review = sum(1 for r in clean if any(f["kind"] == "review" for f in r["flags"]))
    print(f"| clean samples | {len(clean)} | - | {rescan} | {review} |")
    for how in DEGRADATIONS:
        group = [r for r in rows if r["degradation"] == how]
        print(f"| {how} | {len(group)} | {sum(caught(r, how) for r in group)} | "
              f"{sum(any(f['kind'] == 'rescan' for f in r['flags']) for r in group)} | "
              f"{sum(any(f['kind'] == 'review' for f in r['flags']) for r in group)} |")


if __name__ == "__main__":
    main()
