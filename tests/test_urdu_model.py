"""The Urdu model the project trained (ocr/tessdata/urd_records.traineddata, scripts/train_urdu.sh) as shipped:
it loads, knows the Arabic comma, and reads a line rendered now in a font it was trained on."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein

from conftest import REPO
from ocr.language import URDU_MODEL, urdu_model

MODEL = REPO / "ocr" / "tessdata" / f"{URDU_MODEL}.traineddata"
# Training fonts from Debian packages (scripts/install.sh --test installs them).
FONTS = ["/usr/share/fonts/truetype/fonts-nafees/NafeesWeb.ttf",
         "/usr/share/fonts/truetype/scheherazade/Scheherazade-Regular.ttf"]
LINE = "ضلعی حکومت نے شہر میں صفائی کی مہم، پانی کی فراہمی اور سڑکوں کی مرمت کا اعلان کیا"


@pytest.fixture(scope="module")
def tessdata(tmp_path_factory) -> Path:
    """A tessdata folder holding the committed model only (not whatever is installed)."""
    folder = tmp_path_factory.mktemp("tessdata")
    shutil.copy(MODEL, folder)
    return folder


def _read(image: Path, tessdata: Path) -> str:
    proc = subprocess.run(["tesseract", str(image), "-", "--tessdata-dir", str(tessdata), "-l", URDU_MODEL,
                           "--psm", "7"], capture_output=True, text=True, timeout=120, check=True,
                          env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"})
    return " ".join(proc.stdout.split())


def test_model_is_committed_small_and_knows_the_arabic_comma(tessdata: Path, tmp_path: Path) -> None:
    assert 1_000_000 < MODEL.stat().st_size < 4_000_000
    subprocess.run(["combine_tessdata", "-u", str(MODEL), str(tmp_path / "m.")], capture_output=True, check=True)
    charset = {row.split(" ", 1)[0] for row in (tmp_path / "m.lstm-unicharset").read_text().splitlines()[1:]}
    assert "،" in charset and {"ے", "ں", "ٹ", "ڈ", "ڑ", "ھ", "ہ"} <= charset


@pytest.mark.parametrize("font", FONTS)
def test_model_reads_a_line_in_a_training_font(tessdata: Path, tmp_path: Path, font: str) -> None:
    face = ImageFont.truetype(font, 44, layout_engine=ImageFont.Layout.RAQM)
    left, top, right, bottom = face.getbbox(LINE, direction="rtl", language="ur")
    image = Image.new("L", (right - left + 60, bottom - top + 40), 255)
    ImageDraw.Draw(image).text((30 - left, 20 - top), LINE, font=face, fill=0, direction="rtl", language="ur")
    path = tmp_path / "line.png"
    image.save(path, dpi=(300, 300))
    text = _read(path, tessdata)
    assert Levenshtein.normalized_distance(text, LINE) <= 0.08, text
    assert "،" in text  # the comma comes from the model itself


def test_pipeline_uses_the_project_model_when_installed() -> None:
    installed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()
    assert urdu_model() == (URDU_MODEL if URDU_MODEL in installed else "urd")
