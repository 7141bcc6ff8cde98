"""Build the generated metadata test set: render, degrade and OCR synthetic records with the project's pipeline.

    python -m docgen.build_set [--per-type N] [--seed S] [--out tests/fixtures/metadata_generated]

Writes NAME.png (the degraded page, only with --keep-images), NAME.txt (the pipeline's OCR text) and truth.json
(expected language, type, number and issued date per record). tests/test_metadata_generated.py scores
`extract_metadata` on the committed texts, so the test needs no OCR; rerun this after OCR changes.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from pathlib import Path

from docgen.content import records
from docgen.render import degrade, render

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "metadata_generated"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-type", type=int, default=2)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--keep-images", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated languages")
    parser.add_argument("--resume", action="store_true", help="keep records already in truth.json")
    args = parser.parse_args()
    from ocr import process_page  # the pipeline, as ingest runs it

    args.out.mkdir(parents=True, exist_ok=True)
    truth_path = args.out / "truth.json"
    truth = json.loads(truth_path.read_text(encoding="utf-8")) if truth_path.exists() else {}
    only = {code for code in args.only.split(",") if code}
    for record in records(args.seed, args.per_type):
        if (only and record.language not in only) or (args.resume and record.name in truth):
            continue
        rng = random.Random(f"{args.seed}:{record.name}")
        image, applied = degrade(render(record, rng), rng, seed=rng.randrange(2**31))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(args.out if args.keep_images else tmp) / f"{record.name}.png"
            image.save(path, dpi=(200, 200))
            page = process_page(path, "png", 0)
        (args.out / f"{record.name}.txt").write_text(page.text + "\n", encoding="utf-8")
        truth[record.name] = {**record.truth(), "degradations": applied, "ocr_lang": page.lang}
        print(record.name, page.lang, applied, flush=True)
        # Written after every record: a long run that stops keeps what it read (--resume goes on from there).
        truth_path.write_text(json.dumps(dict(sorted(truth.items())), ensure_ascii=False, indent=1) + "\n",
                              encoding="utf-8")


if __name__ == "__main__":
    main()
