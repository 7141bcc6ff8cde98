"""Language choice never forces the wrong model: real pages that used to come out as Vietnamese, French read as
French, a mixed text-layer + picture page, and the choice recorded with its margin."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import pypdfium2 as pdfium
import pytest
from PIL import Image

from docgen.content import records
from docgen.render import degrade, render
from index.folding import fold, tokens
from ocr import choose, process_page
from ocr.language import URDU_MODEL, configured_languages, detect_language, vietnamese_only_share
from ocr.textlayer import image_regions
from tests.conftest import REALWORLD, SAMPLES

# Vietnamese letters no English or French word has (what a wrongly forced `vie` model invents).
VIETNAMESE_ONLY = set("ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịĩọỏốồổỗộớờởỡợụủũứừửữựỳỵỷỹõã")


def test_short_english_page_is_read_as_english() -> None:
    page = process_page(REALWORLD / "paperless-ngx" / "simple.bmp", "bmp", 0)
    assert "This is a test document" in page.text
    assert page.language == "eng" and "vie" not in page.lang.split("+")
    # A one-line page proves nothing from a strip: it was read both ways and the choice recorded with its margin.
    choice = page.language_choice
    assert choice["langs"] == page.lang and choice["how"] == "both" and "vie" in choice["against"]
    assert choice["margin"] > 0 and choice["scores"][page.lang] > choice["scores"]["vie"]


def test_french_page_is_read_as_french_with_its_accents() -> None:
    page = process_page(REALWORLD / "ocrmypdf" / "francais.pdf", "pdf", 0)
    assert page.language == "fra" and page.lang == "fra"
    for word in ("île", "intérieure", "côté", "l'alcôve", "bûches", "l'âtre", "ambigu", "capharnaüm", "çà"):
        assert word in page.text, word
    assert not VIETNAMESE_ONLY & set(page.text.lower())


def test_french_accents_fold_for_search() -> None:
    page_words = {fold(w) for w in tokens("l'alcôve, capharnaüm, cœnogénèse, çà et là, Moÿ")}
    for query in ("alcove", "capharnaum", "coenogenese", "ca", "la", "moy"):
        assert fold(query) in page_words, query


@pytest.mark.parametrize("name", ["s_en_01.png", "s_en_04.jpg"])
def test_english_samples_are_not_read_as_vietnamese(name: str) -> None:
    page = process_page(SAMPLES / name, name.rsplit(".", 1)[1].replace("jpg", "jpeg"), 0)
    assert page.language == "eng" and "vie" not in page.lang.split("+")
    assert not VIETNAMESE_ONLY & set(page.text.lower())


def test_visually_reversed_arabic_page_reads_its_words() -> None:
    page = process_page(REALWORLD / "paperless-ngx" / "rtl-test.pdf", "pdf", 0)
    assert page.method == "ocr" and page.script == "Arabic" and page.language == "ara"
    assert "وزارة الداخلية" in page.text
    assert page.language_choice["how"] == "both"  # OSD could not tell on one line: read both ways


def test_mixed_page_keeps_its_layer_and_reads_the_picture() -> None:
    page = process_page(REALWORLD / "paperless-ngx" / "single-page-mixed.pdf", "pdf", 0)
    assert page.method == "text_layer"
    assert "This is some normal text, present on page 1 of the document." in page.text  # the layer, verbatim
    assert "This is some text, but in an image, also on page 1." in page.text  # the picture, OCR'd
    image_words = [w for w in page.words if w["text"] == "image,"]
    assert image_words and 0 < image_words[0]["top"] < page.height // 4  # boxed where the picture is


def test_only_pictures_without_layer_text_are_ocred() -> None:
    # graph_ocred.pdf already carries its picture's text in the layer: its picture is not read a second time.
    assert image_regions(pdfium.PdfDocument(REALWORLD / "ocrmypdf" / "graph_ocred.pdf"), 0) == []
    regions = image_regions(pdfium.PdfDocument(REALWORLD / "paperless-ngx" / "single-page-mixed.pdf"), 0)
    assert len(regions) == 1


def test_languages_setting_limits_and_extends_the_choice(tmp_path) -> None:
    env = dict(os.environ, RECORDS_LANGUAGES="eng,ara,nosuchlang")
    code = ("from ocr.language import configured_languages as c; from ocr import process_page; from pathlib import "
            f"Path; print(','.join(c())); p = process_page(Path({str(SAMPLES / 's_vi_01.png')!r}), 'png', 0); "
            "print(p.lang)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, timeout=300)
    configured, used = out.stdout.split()
    assert configured == "eng,ara"  # a language that is not installed is left out
    assert used == "eng"  # Vietnamese not configured: never used
    assert "fra" in configured_languages()  # the default set reads French


def test_vietnamese_only_marks_tell_vietnamese_from_french() -> None:
    assert vietnamese_only_share("Ủy ban nhân dân phường Vĩnh Hải thông báo") > choose.VIETNAMESE_CLEAR
    assert vietnamese_only_share("à côté de l'alcôve, où les bûches se consument") == 0
    assert detect_language("Portez ce vieux whisky au juge blond qui fume sur son île intérieure") == "fra"
    assert detect_language("Minutes of the records committee") == "eng"


def test_upside_down_vietnamese_page_is_turned_although_its_strip_reads_fairly(tmp_path) -> None:
    # Turned by 180 degrees, s_vi_02's strip still reads at about 52 with `vie`: not enough to skip orientation
    # detection (upright Latin pages read at 68 or more).
    turned = tmp_path / "turned.png"
    Image.open(SAMPLES / "s_vi_02.jpg").rotate(180).save(turned, dpi=(200, 200))  # scanned at 200 dpi
    page = process_page(turned, "png", 0)
    assert page.rotation == 180 and page.lang == "vie"
    assert "THÔNG BÁO" in page.text


def test_turned_arabic_page_whose_strip_reads_like_an_upright_one_is_turned(tmp_path, caplog) -> None:
    # s_ar_01 turned a quarter counter-clockwise: the Urdu model reads its strip at about 50, 15 above `vie`, as
    # upright Arabic-script strips read, so OSD is skipped; the main pass reads at 26 and gives it away.
    turned = tmp_path / "turned.png"
    Image.open(SAMPLES / "s_ar_01.jpg").rotate(90, expand=True).save(turned, dpi=(200, 200))
    with caplog.at_level("INFO", logger="ocr.pipeline"):
        page = process_page(turned, "png", 0)
    assert "checking its orientation" in caplog.text
    assert page.rotation == 90 and page.lang == "ara" and page.confidence > 80
    assert "إشعار بتحديث بيانات سند تسجيل" in page.text


def test_sparse_urdu_notice_on_grainy_paper_is_read_with_the_urdu_model(tmp_path) -> None:
    # A generated notice (docs/testset.md) that OSD calls Latin: its grain was stretched into specks that buried
    # the text, and the page ran into the 300 s OCR limit. Arabic-script ink must decide the model.
    page, applied = _generated_page("g_urd_notice_1", tmp_path)
    assert "noise" in applied and "low_contrast" in applied
    assert page.lang == URDU_MODEL and page.language == "urd" and page.seconds < 30
    assert "اعلامیہ" in page.text and "2023/464" in page.text


@pytest.mark.parametrize("name", ["g_ara_circular_1", "g_ara_circular_2"])
def test_arabic_circular_whose_strip_is_mostly_digits_is_read_as_arabic(name: str, tmp_path) -> None:
    # The strip probed for the script is the line "تعمیم رقم 45 لسنة 2020": the Latin model reads its digits at
    # confidence 54-67, which alone once sent the whole page through the Latin models.
    page, _ = _generated_page(name, tmp_path)
    assert page.lang == "ara" and page.language == "ara"
    assert "تعميم" in page.text and "لسنة" in page.text


def _generated_page(name: str, tmp_path):
    """A record of the generated metadata set (docs/testset.md), rendered and degraded as `docgen.build_set` does,
    read by the pipeline; with the degradations applied."""
    [record] = [r for r in records(11, 2) if r.name == name]
    rng = random.Random(f"11:{record.name}")
    image, applied = degrade(render(record, rng), rng, seed=rng.randrange(2**31))
    path = tmp_path / f"{name}.png"
    image.save(path, dpi=(200, 200))
    return process_page(path, "png", 0), applied
