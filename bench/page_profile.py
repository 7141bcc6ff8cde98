"""Where a page's time goes: every step of `ocr.pipeline.run_page` timed on its own, for each OCR'd sample page.

Usage: python bench/page_profile.py [--samples DIR] [--repeat N] [--clock cpu|wall] [--save-cleaned DIR] [--json FILE]

The real `run_page` runs, single process, with OMP_THREAD_LIMIT=1; the functions it calls (page load, each cleanup
step, OSD, the language-choice strip reads, the main OCR call, PNG and thumbnail encoding) are wrapped with timers
for the run, so the profile follows the pipeline as it is edited and copies none of its code. Each step's time is
its own (exclusive) time: OSD is not counted again in "orientation: OSD prep"; what no wrapped step covers is
"other". The main OCR is the page's first full read; a page in doubt read again with other models counts those reads
as "lang choice: extra full read". Models and dictionaries are loaded before the first page, as workers do. Times
are CPU seconds of this process plus its tesseract children by default (the machine is shared and wall time swings
with its load), wall seconds with --clock wall.
For comparison each page is also read by plain `tesseract IMAGE out -l LANG txt` (the sample's true language) on the
raw page (PDF pages rasterised at 300 DPI, TIFF pages split, as bench/throughput.py does) and on the cleaned
300-DPI image that the main OCR call gets. Pages of born-digital PDFs (format pdf_text) are left out.

"vs main OCR" is a step's time over the main OCR call's; the pipeline's overhead is (total - main OCR) / main OCR,
which DESIGN.md's performance notes want at about 5 %, and the share outside the main pass (total - main OCR) / total
(issue 14: at most 15 %). `--save-cleaned` keeps each cleaned page as PNG with a
pages.json (language chosen, DPI, ground-truth slice) for other experiments (e.g. an in-process tesseract API).
"""

from __future__ import annotations

import os

os.environ["OMP_THREAD_LIMIT"] = "1"  # before anything loads tesseract or OpenMP

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import cv2

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from throughput import page_images, scanned_samples  # noqa: E402

from ocr import choose, cleanup, pipeline, tesseract  # noqa: E402

SAMPLES = REPO.parent / "shared" / "samples"
KINDS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".tif": "tiff", ".tiff": "tiff", ".pdf": "pdf"}
MAIN_OCR = "main OCR (tesseract.ocr)"
MAIN_READ = "main pass: post-processing"

# (module, attribute, label): the label names the step in the table. A callable label picks it from the steps the
# call is nested in (the same tesseract.ocr is the main read or a language-choice strip read).
STEPS: list[tuple[object, str, str | Callable[[list[str]], str]]] = [
    (pipeline, "open_pdf", "load: open PDF"),
    (pipeline, "read_text_layer", "load: text layer check"),
    (pipeline, "render_pdf_page", "load: rasterise PDF page"),
    (pipeline, "load_image_page", "load: decode image"),
    (cleanup, "denoise", "clean: denoise"),
    (cleanup, "upscale", "clean: upscale"),
    (cleanup, "remove_borders", "clean: borders"),
    (cleanup, "normalize_illumination", "clean: illumination"),
    (pipeline, "_orientation", "orientation: OSD prep"),
    (tesseract, "osd", "orientation: OSD"),
    (cleanup, "rotate_quadrant", "orientation: rotate"),
    (cleanup, "deskew", "clean: deskew"),
    (cleanup, "remove_punch_holes", "clean: punch holes"),
    (cleanup, "binarize_sauvola", "clean: Sauvola"),
    (cleanup, "binarize_otsu",
     lambda stack: "orientation: OSD prep" if "orientation: OSD prep" in stack else "clean: Otsu"),
    (pipeline, "_choose_langs", "lang choice: decide"),
    (choose.Probe, "__init__", "lang choice: strip cut"),
    (choose.Probe, "read", "lang choice: strip OCR"),
    # The first full read of a page is the main pass; a page in doubt read again with other models is overhead.
    (pipeline, "_read", lambda stack: "lang choice: extra full read" if _READS.count() > 1 else MAIN_READ),
    (tesseract, "ocr", lambda stack: MAIN_OCR if MAIN_READ in stack else stack[-1] if stack else MAIN_OCR),
    (pipeline, "encode_png", "encode: PNG"),
    (pipeline, "encode_thumb", "encode: thumbnail"),
    (pipeline, "restore_commas", "post: Arabic commas"),
    (pipeline.urdu_words, "repair", "post: Urdu word repair"),
]


class _ReadCounter:
    """Full page reads (`pipeline._read`) since the page started."""

    def __init__(self) -> None:
        self.calls = 0

    def count(self) -> int:
        self.calls += 1
        return self.calls


_READS = _ReadCounter()


def cpu_clock() -> float:
    """CPU seconds of this process and its finished children (tesseract): unlike wall time, not inflated by what
    else the shared machine runs."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


CLOCKS = {"cpu": cpu_clock, "wall": time.perf_counter}


class StepTimer:
    """Exclusive time per step label, over any number of pages, on `clock`."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.stack: list[str] = []
        self._child: list[float] = []
        self.main_call: tuple = ()  # (image, lang, dpi) of the last main OCR call: the cleaned page

    def wrap(self, func: Callable, label: str | Callable[[list[str]], str]) -> Callable:
        def timed(*args, **kwargs):
            name = label(self.stack) if callable(label) else label
            if name == MAIN_OCR:
                self.main_call = args[:3]
            self.stack.append(name)
            self._child.append(0.0)
            started = self.clock()
            try:
                return func(*args, **kwargs)
            finally:
                elapsed = self.clock() - started
                children = self._child.pop()
                self.stack.pop()
                self.seconds[name] += elapsed - children
                self.calls[name] += 1
                if self._child:
                    self._child[-1] += elapsed

        return timed


@contextmanager
def instrumented(timer: StepTimer):
    """The pipeline's steps wrapped with `timer` for the duration of the block."""
    saved = []
    for module, attr, label in STEPS:
        original = getattr(module, attr)
        saved.append((module, attr, original))
        setattr(module, attr, timer.wrap(original, label))
    try:
        yield
    finally:
        for module, attr, original in reversed(saved):
            setattr(module, attr, original)


def plain_tesseract(image: Path, lang: str, scratch: Path, clock: Callable[[], float]) -> float:
    """Seconds for `tesseract IMAGE out -l LANG txt`, one thread."""
    started = clock()
    subprocess.run(["tesseract", str(image), str(scratch / "plain"), "-l", lang, "txt"], check=True,
                   capture_output=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    return clock() - started


def sample_pages(samples: Path) -> list[dict]:
    """Every page that needs OCR: file, kind, 0-based index, true language and ground-truth line slice."""
    out = []
    for file, lang, pages in scanned_samples(samples):
        meta = json.loads((samples / f"{file.stem}.meta.json").read_text())
        info = meta.get("page_info") or [{}] * pages
        for index in range(pages):
            out.append({"file": file, "kind": KINDS[file.suffix.lower()], "index": index, "lang": lang,
                        "name": f"{file.stem}-{index + 1}", "gt_line_start": info[index].get("gt_line_start"),
                        "gt_line_count": info[index].get("gt_line_count")})
    return out


def profile(pages: list[dict], raw_images: dict[str, Path], repeat: int, scratch: Path,
            save: Path | None, clock: Callable[[], float]) -> tuple[StepTimer, list[dict]]:
    """Run every page `repeat` times through the instrumented pipeline; the plain-tesseract runs beside it."""
    timer = StepTimer(clock)
    rows = []
    for page in pages:
        row = {"page": page["name"], "total": 0.0, "main": 0.0, "raw_txt": 0.0, "clean_txt": 0.0}
        steps_before = dict(timer.seconds)
        for _ in range(repeat):
            before = timer.seconds[MAIN_OCR]
            started = clock()
            _READS.calls = 0
            with instrumented(timer):
                out = pipeline.run_page(page["file"], page["kind"], page["index"], "auto")
            elapsed = clock() - started
            timer.seconds["total"] += elapsed
            row["total"] += elapsed
            row["main"] += timer.seconds[MAIN_OCR] - before
            cleaned = scratch / f"{page['name']}.png"
            cv2.imwrite(str(cleaned), timer.main_call[0])
            row["raw_txt"] += plain_tesseract(raw_images[page["name"]], page["lang"], scratch, clock)
            row["clean_txt"] += plain_tesseract(cleaned, page["lang"], scratch, clock)
        row.update({k: row[k] / repeat for k in ("total", "main", "raw_txt", "clean_txt")},
                   chosen=out.lang, true_lang=page["lang"], size=f"{out.width}x{out.height}",
                   steps={k: round((v - steps_before.get(k, 0.0)) / repeat, 4) for k, v in timer.seconds.items()
                          if k != "total" and v > steps_before.get(k, 0.0)})
        rows.append(row)
        print(f"  {page['name']:<10} {out.lang:<8} total {row['total']:6.2f} s  main OCR {row['main']:5.2f} s",
              file=sys.stderr, flush=True)
        if save is not None:
            cv2.imwrite(str(save / f"{page['name']}.png"), timer.main_call[0])
            row["dpi"] = timer.main_call[2]
    timer.seconds["other (unwrapped)"] = timer.seconds.pop("total") - sum(timer.seconds.values())
    for key in timer.seconds:
        timer.seconds[key] /= repeat
    return timer, rows


def report(timer: StepTimer, rows: list[dict], clock: str) -> dict:
    """Print the per-step and per-page tables; return the numbers."""
    total = sum(timer.seconds.values())
    main = timer.seconds[MAIN_OCR]
    n = len(rows)
    print(f"{n} pages, {clock} seconds summed over all pages (--repeat averages)")
    print(f"{'step':<34} {'total s':>8} {'s/page':>7} {'share':>7} {'vs main OCR':>11} {'calls':>6}")
    for name, secs in sorted(timer.seconds.items(), key=lambda kv: -kv[1]):
        calls = timer.calls.get(name, 0)
        print(f"{name:<34} {secs:8.2f} {secs / n:7.3f} {secs / total:7.1%} {secs / main:11.1%} {calls:6d}")
    overhead = (total - main) / main
    print(f"{'TOTAL run_page':<34} {total:8.2f} {total / n:7.3f} {1:7.1%}")
    print(f"overhead vs main OCR = (total - main OCR) / main OCR = {overhead:.1%}  (DESIGN.md target ~5 %)")
    print(f"share outside the main pass = (total - main OCR) / total = {(total - main) / total:.1%}  "
          "(issue 14 target <= 15 %)")
    raw = sum(r["raw_txt"] for r in rows)
    clean = sum(r["clean_txt"] for r in rows)
    print(f"plain `tesseract raw txt` {raw:.2f} s ({raw / n:.2f} s/page); on the cleaned 300-DPI page {clean:.2f} s "
          f"({clean / n:.2f} s/page); run_page / plain raw = {total / raw:.2f}x the time ({raw / total:.2f}x speed)")
    print(f"\n{'page':<10} {'true':<5} {'chosen':<8} {'size':>11} {'run_page':>8} {'main OCR':>8} {'overhead':>8} "
          f"{'raw txt':>8} {'clean txt':>9}")
    for r in rows:
        print(f"{r['page']:<10} {r['true_lang']:<5} {r['chosen']:<8} {r['size']:>11} {r['total']:8.2f} "
              f"{r['main']:8.2f} {(r['total'] - r['main']) / r['main']:8.1%} {r['raw_txt']:8.2f} "
              f"{r['clean_txt']:9.2f}")
    return {"pages": n, "steps": dict(timer.seconds), "calls": dict(timer.calls), "total": total, "main_ocr": main,
            "overhead_vs_main": overhead, "share_outside_main": (total - main) / total,
            "plain_raw_txt": raw, "plain_cleaned_txt": clean, "rows": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    parser.add_argument("--repeat", type=int, default=1, help="runs per page, times averaged (default 1)")
    parser.add_argument("--save-cleaned", type=Path, help="folder to keep the cleaned pages in, with pages.json")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="cpu",
                        help="cpu: CPU seconds of this process and tesseract (default; steady on a busy machine), "
                             "or wall")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = parser.parse_args()

    pages = sample_pages(args.samples)
    tesseract.preload()  # models and dictionaries loaded before the first page, as workers and the pool do
    with tempfile.TemporaryDirectory(prefix="records-page-profile-") as tmp:
        scratch = Path(tmp)
        samples = scanned_samples(args.samples)
        raw_images = {path.stem: path for path, _ in page_images(samples, scratch)}
        for file, _, pages_in_file in samples:  # single-page images keep their own name: add the "-1"
            if pages_in_file == 1 and file.stem in raw_images:
                raw_images[f"{file.stem}-1"] = raw_images.pop(file.stem)
        if args.save_cleaned:
            args.save_cleaned.mkdir(parents=True, exist_ok=True)
        timer, rows = profile(pages, raw_images, args.repeat, scratch, args.save_cleaned,
                              CLOCKS[args.clock])
    result = report(timer, rows, args.clock)
    if args.save_cleaned:
        keep = [{**p, "file": str(p["file"]), "chosen": r["chosen"], "dpi": r["dpi"]}
                for p, r in zip(pages, rows, strict=True)]
        (args.save_cleaned / "pages.json").write_text(json.dumps(keep, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
