"""Render the demo set (demo/ in the repository): a clone alone can show the whole job.

    python -m docgen.demo [--out demo]

One record in each language (Vietnamese, English, Urdu, Arabic) and a French letter, a three-page dossier in one
multi-page TIFF, and a damaged PDF that must be refused with a reason. Lightly degraded (skew, a little blur) so the
files stay small; tests/fixtures/demo_truth.json lists what each holds (kept out of demo/ so that ingesting the
folder meets scans only).
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date
from pathlib import Path

from PIL import Image, ImageFilter

from docgen.content import Record, arabic, english, urdu, vietnamese
from docgen.render import DPI, render

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "demo"
TRUTH = ROOT / "tests" / "fixtures" / "demo_truth.json"
FRENCH = ["PRÉFECTURE DE HANOÏ", "Service des archives", "", "LETTRE", "N° 214/SA", "Hanoï, le 3 mars 1951", "",
          "Monsieur le Résident, j'ai l'honneur de vous transmettre le répertoire des dossiers déposés aux archives.",
          "Les registres de l'état civil des années 1946 à 1950 sont conservés au dépôt central.",
          "Veuillez agréer l'expression de ma considération distinguée."]


def _scan(record: Record, rng: random.Random) -> Image.Image:
    page = render(record, rng).rotate(rng.uniform(-1.2, 1.2), resample=Image.BICUBIC, fillcolor=255)
    return page.filter(ImageFilter.GaussianBlur(0.5))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    rng = random.Random(2026)
    args.out.mkdir(parents=True, exist_ok=True)
    truth = {}
    singles = [("vi_thong_bao.png", vietnamese(rng, "notice", "vi")),
               ("en_certificate.png", english(rng, "certificate", "en")),
               ("ur_public_notice.png", urdu(rng, "public_notice", "ur")),
               ("ar_circular.png", arabic(rng, "circular", "ar"))]
    for name, record in singles:
        _scan(record, rng).save(args.out / name, dpi=(DPI, DPI), optimize=True)
        truth[name] = {**record.truth(), "pages": 1, "first_line": record.lines[0]}
    french = Record("fr", "fra", "official_letter", "214/SA", date(1951, 3, 3), FRENCH)
    _scan(french, rng).save(args.out / "fr_lettre.png", dpi=(DPI, DPI), optimize=True)
    truth["fr_lettre.png"] = {**french.truth(), "pages": 1, "first_line": FRENCH[0]}
    dossier = [vietnamese(rng, "official_letter", "d1"), vietnamese(rng, "decision", "d2"),
               vietnamese(rng, "report", "d3")]
    pages = [_scan(r, rng) for r in dossier]
    pages[0].save(args.out / "vi_dossier.tiff", save_all=True, append_images=pages[1:], compression="tiff_deflate",
                  dpi=(DPI, DPI))
    truth["vi_dossier.tiff"] = {**dossier[0].truth(), "pages": 3, "first_line": dossier[0].lines[0]}
    (args.out / "damaged.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n%%trunc")
    truth["damaged.pdf"] = {"rejected": True}
    TRUTH.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"demo set in {args.out}: {', '.join(sorted(truth))}")


if __name__ == "__main__":
    main()
