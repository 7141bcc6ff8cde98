"""Render synthetic Urdu text lines for fine-tuning Tesseract: PNG + line box file per line, deterministic per seed.

Text: random words of the stock model's own dictionary, numbers, dates, reference numbers and Urdu punctuation
(never text from the project's samples). Each line is set in one of the given fonts with Pillow's raqm layout
(shaping and bidi), lightly degraded. The box file gives the transcription in visual (bidi-reordered) order, which
is what Tesseract's LSTM sees left to right; logical order trains a useless model.

Usage: python render_lines.py --words W --fonts FONTS.tsv --count N --seed S --out DIR
FONTS.tsv: one font a line, "path<TAB>weight".
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import numpy as np
from bidi import get_display
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFilter, ImageFont

MONTHS = ["جنوری", "فروری", "مارچ", "اپریل", "مئی", "جون", "جولائی", "اگست", "ستمبر", "اکتوبر", "نومبر", "دسمبر"]
LABELS = ["نمبر", "تاریخ", "حوالہ", "مورخہ", "رقبہ", "کھاتہ", "خسرہ", "موضع", "تحصیل", "ضلع", "فون", "رقم", "مالیت"]
END_MARKS = ["۔", "۔", "۔", "؟", "،", ":"]


class LineMaker:
    """Random Urdu lines from a word list, with numbers, dates and punctuation."""

    def __init__(self, words: list[str], rng: random.Random) -> None:
        self.words, self.rng = words, rng

    def number(self) -> str:
        r = self.rng
        kind = r.random()
        if kind < 0.4:
            return str(r.randint(1, 9999))
        if kind < 0.6:  # reference numbers such as م ت/2024/318
            return f"{r.choice(self.words)[:2]}/{r.randint(1990, 2030)}/{r.randint(1, 999)}"
        if kind < 0.8:
            return f"{r.randint(1, 28):02d}/{r.randint(1, 12):02d}/{r.randint(1990, 2030)}"
        return f"{r.randint(1, 99)}-{r.randint(1, 999)}"

    def date(self) -> str:
        r = self.rng
        return f"{r.randint(1, 31)} {r.choice(MONTHS)} {r.randint(1950, 2030)}"

    def line(self, digits: bool) -> str:
        r = self.rng
        tokens: list[str] = []
        if digits and r.random() < 0.25:
            tokens += [r.choice(LABELS) + ":", self.number() if r.random() < 0.6 else self.date()]
        for _ in range(r.randint(2, 7)):
            choice = r.random()
            if digits and choice < 0.12:
                tokens.append(self.number())
            elif digits and choice < 0.18:
                tokens.append(self.date())
            else:
                word = r.choice(self.words)
                if r.random() < 0.08:
                    word += "،"
                tokens.append(word)
        if r.random() < 0.6:
            tokens[-1] += r.choice(END_MARKS)
        if r.random() < 0.05:
            i = r.randrange(len(tokens))
            tokens[i] = f"({tokens[i]})"
        return " ".join(tokens)


def font_chars(path: Path) -> set[str]:
    """Characters the font has glyphs for."""
    font = TTFont(str(path), lazy=True)
    return {chr(c) for c in font.getBestCmap()}


def render(text: str, font: ImageFont.FreeTypeFont, rng: random.Random, nprng: np.random.Generator) -> Image.Image:
    """The line set right to left in `font` on white, padded, lightly degraded."""
    left, top, right, bottom = font.getbbox(text, direction="rtl", language="ur")
    pad_x, pad_y = rng.randint(8, 30), rng.randint(6, 20)
    image = Image.new("L", (right - left + 2 * pad_x, bottom - top + 2 * pad_y), 255)
    ImageDraw.Draw(image).text((pad_x - left, pad_y - top), text, font=font, fill=rng.randint(0, 60),
                               direction="rtl", language="ur")
    if rng.random() < 0.3:
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0)))
    pixels = np.asarray(image, dtype=np.float32)
    if rng.random() < 0.4:
        pixels = pixels + nprng.normal(0, rng.uniform(4, 18), pixels.shape)
    if rng.random() < 0.4:  # the pipeline binarises pages before OCR
        pixels = np.where(pixels < rng.uniform(110, 170), 0, 255)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def box_lines(text: str, width: int, height: int) -> str:
    """Tesseract line box file: every character with the whole line's box, visual order, then an end-of-line tab."""
    visual = get_display(text)
    rows = [f"{ch} 0 0 {width} {height} 0" for ch in visual]
    rows.append(f"\t 0 0 {width} {height} 0")
    return "\n".join(rows) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=Path, required=True)
    parser.add_argument("--charset", type=Path, required=True, help="file with every character the model knows")
    parser.add_argument("--fonts", type=Path, required=True)
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    nprng = np.random.default_rng(args.seed)
    charset = set(args.charset.read_text(encoding="utf-8")) | {" "}
    fonts = []
    for row in args.fonts.read_text(encoding="utf-8").splitlines():
        if row.strip():
            path, weight = row.split("\t")
            fonts.append((Path(path), float(weight), font_chars(Path(path))))
    words = sorted({w for w in args.words.read_text(encoding="utf-8").split()
                    if len(w) >= 2 and set(w) <= charset and all("\u0600" <= ch <= "\u06ff" for ch in w)})
    maker = LineMaker(words, rng)
    args.out.mkdir(parents=True, exist_ok=True)
    listing = []
    for n in range(args.count):
        path, _weight, chars = rng.choices(fonts, weights=[f[1] for f in fonts])[0]
        digits = "5" in chars and "۔" in chars  # Gulzar's Arabic subset has no digits: no number lines for it
        for _ in range(50):
            text = maker.line(digits)
            if set(text) <= chars | {" "} and set(text) <= charset:
                break
        else:
            continue
        font = ImageFont.truetype(str(path), rng.randint(28, 52), layout_engine=ImageFont.Layout.RAQM)
        image = render(text, font, rng, nprng)
        name = f"line_{n:05d}"
        image.save(args.out / f"{name}.png")
        (args.out / f"{name}.box").write_text(box_lines(text, *image.size), encoding="utf-8")
        (args.out / f"{name}.gt.txt").write_text(text + "\n", encoding="utf-8")
        listing.append(name)
    (args.out / "lines.txt").write_text("\n".join(listing) + "\n", encoding="utf-8")
    print(f"{len(listing)} lines in {args.out}")


if __name__ == "__main__":
    main()
