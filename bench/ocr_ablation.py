"""Ablation of the OCR cleanup steps on the sample scans: per-language line CER and word recall, each step toggled.

Usage: python bench/ocr_ablation.py [--samples DIR] [--only STEP,...] [--lang auto|fixed] [--jobs N]

Scoring reuses /work/shared/tools/score_samples.py (imported by path, not copied). "fixed" passes each sample's
true language; "auto" lets the page pick. Prints one row per configuration and the CPU seconds per page
(tesseract; everything else).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ocr.pipeline import DEFAULT_CLEANUP, CleanupConfig, run_page
from ocr.sources import count_pages

SCORER = Path("/work/shared/tools/score_samples.py")
KINDS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".tif": "tiff", ".tiff": "tiff", ".pdf": "pdf"}
LANG_ORDER = ("eng", "vie", "ara", "urd")


def load_scorer():
    """The shared scoring module, imported from its file."""
    spec = importlib.util.spec_from_file_location("score_samples", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def variants() -> dict[str, CleanupConfig]:
    """The default pipeline, each boolean step switched (off if on, on if off), and the binarisation choices."""
    out = {"default": DEFAULT_CLEANUP}
    steps = ("drop_colour", "upscale", "borders", "orientation", "deskew", "punch_holes", "illumination", "denoise")
    for step in steps:
        on = getattr(DEFAULT_CLEANUP, step)
        out[f"{'-' if on else '+'}{step}"] = replace(DEFAULT_CLEANUP, **{step: not on})
    for method in ("sauvola", "otsu", "none"):
        if method != DEFAULT_CLEANUP.binarize:
            out[f"binarize={method}"] = replace(DEFAULT_CLEANUP, binarize=method)
    out["none"] = CleanupConfig(False, False, False, False, False, False, False, False, "none")
    return out


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_sample(args: tuple[Path, str, str, CleanupConfig]) -> tuple[str, float, float, int, list[str]]:
    """OCR every page of one sample (searchable PDF included, as in production).

    Returns the joined text, CPU seconds spent in tesseract (OSD, probes, OCR), CPU seconds spent here (loading,
    cleanup, encoding), the page count and a note per page. CPU time, unlike wall time, does not depend on what
    else the shared machine is running.
    """
    path, lang, _name, config = args
    kind = KINDS[path.suffix.lower()]
    own, child = time.process_time(), _children_cpu()
    texts, methods = [], []
    for index in range(count_pages(path, kind)):
        page = run_page(path, kind, index, lang, config=config)
        texts.append(page.text)
        methods.append(f"{page.method}:{page.lang}:r{page.rotation}:s{page.skew}")
    return "\n".join(texts), _children_cpu() - child, time.process_time() - own, len(texts), methods


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", default="/work/shared/samples")
    parser.add_argument("--only", help="comma-separated variant names (see the first column)")
    parser.add_argument("--lang", choices=("auto", "fixed"), default="auto")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--verbose", action="store_true", help="print every sample's numbers")
    args = parser.parse_args()
    score = load_scorer()
    samples = Path(args.samples)
    metas = [json.loads(p.read_text()) for p in sorted(samples.glob("*.meta.json"))]
    chosen = variants()
    if args.only:
        chosen = {k: v for k, v in chosen.items() if k in args.only.split(",")}
    header = "  ".join(f"{lang + ' CER':>9} {lang + ' rec':>8}" for lang in LANG_ORDER)
    print(f"{'variant':<20} {header}  {'tess s/p':>8} {'other s/p':>9}")
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for label, config in chosen.items():
            jobs = [
                (samples / m["file"], m["language"] if args.lang == "fixed" else "auto", m["id"], config) for m in metas
            ]
            results = list(pool.map(run_sample, jobs))
            by_lang: dict[str, list[tuple[float, float]]] = {}
            tess = other = pages = 0
            for meta, (text, tess_cpu, own_cpu, count, methods) in zip(metas, results, strict=True):
                reference = (samples / meta["ground_truth"]).read_text(encoding="utf-8")
                cer, recall = score.line_error_rate(text, reference), score.word_recall(text, reference)
                by_lang.setdefault(meta["language"], []).append((cer, recall))
                tess, other, pages = tess + tess_cpu, other + own_cpu, pages + count
                if args.verbose:
                    print(f"    {meta['id']:<10} CER {cer:7.2%} recall {recall:7.2%} tesseract {tess_cpu:5.2f}s "
                          f"other {own_cpu:5.2f}s {methods}")
            cells = []
            for lang in LANG_ORDER:
                rows = by_lang.get(lang, [])
                cer = sum(r[0] for r in rows) / max(1, len(rows))
                recall = sum(r[1] for r in rows) / max(1, len(rows))
                cells.append(f"{cer:9.2%} {recall:8.2%}")
            print(f"{label:<20} {'  '.join(cells)}  {tess / max(1, pages):8.2f} {other / max(1, pages):9.2f}",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
