"""Which Tesseract models read a page: decided cheaply where the page is clear, read both ways where in doubt.

One probe, the page's middle strip (`text_strip`), is read at most once per model (`Probe`); the orientation check
in cleanup and the choice here share its readings. Cost per page on top of the main pass:
- A Latin page: one strip read with the Latin probe model (`vie`). Confident, it also says the page is upright, so
  orientation detection (OSD) is skipped; its Vietnamese-only marks tell Vietnamese from the rest and its function
  words French from English. The main pass's own text checks that last guess (`second_opinion`).
- Anything else: the strip is read with the Urdu model too; the more confident of the two names the script, Urdu-only
  letters and words in the Urdu reading tell Urdu from Arabic. A strip the Urdu model reads confidently and clearly
  better (`Probe.reads_arabic_upright`) is an upright Arabic-script page: no OSD; the main pass's own confidence
  checks that afterwards (`UPRIGHT_PAGE_CONFIDENT`). Other pages (turned, a page no model reads well) get OSD
  (orientation and script; its script is not trusted: it calls some Nastaliq pages Latin) before the Urdu read.
- In doubt (margins below, or a language not configured to be told apart): the page is also read in full with
  the other candidate and the better-scoring reading is kept (`pick`).
Every choice records what won, what it was weighed against and by how much (`Choice.record`).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocr import tesseract
from ocr.language import (
    arabic_or_urdu_margin,
    configured_languages,
    french_or_english,
    french_votes,
    language_of_model,
    script_of_language,
    urdu_model,
    vietnamese_only_share,
)

# Height of the strip read to choose the models, as a share of the inked height (at least 100 pixels, widened to
# whole lines: two or three lines). 0.03 gives every sample page the same models as 0.1 for about half the strip
# OCR time (0.05-0.1 s on Latin pages).
STRIP_SHARE = 0.03
TEXT_ROW_INK = 0.01  # a row through a text line has ink on at least this share of the page's width
# Share of Latin letters with Vietnamese-only marks in the `vie` reading of the strip. Measured: Vietnamese pages
# 0.24-0.36 (samples and demo), English and French pages 0.00 (samples, demo); the vie model reading a whole short
# English page invents marks on about 5 % ("Thịs 1s a test documernit").
VIETNAMESE_CLEAR = 0.07
VIETNAMESE_NONE = 0.02
# Urdu-model vs English-model strip confidence: Arabic-script samples 54-81 against 22-35, Latin 72-91 against
# 28-45. Closer than this, or neither model confident, and both scripts are read in full.
SCRIPT_MARGIN = 15.0
SCRIPT_CONFIDENT = 50.0
# Latin probe confidence from which a page is taken to be upright without orientation detection. `vie` reads the
# strip of upright Latin pages at 68-97 (samples, simple.bmp, francais.pdf), of the same pages turned by 90 or 180
# degrees at 20-52, of Arabic-script pages at 16-30.
UPRIGHT_CONFIDENT = 60.0
# Main-pass mean word confidence from which a page taken as upright Arabic script by its strip alone (no OSD) is
# believed: Arabic-script samples read upright (or turned by 90 degrees, which Tesseract's layout handles) at 65-91
# with their model, turned by 180 or 270 degrees at 24-38 with either Arabic-script model. Below it the page is
# checked by OSD, and read again turned if OSD finds it turned.
UPRIGHT_PAGE_CONFIDENT = 50.0
# Votes (letters, function words) between Urdu and Arabic, and between French and English, below which the page
# is read both ways.
URDU_ARABIC_MARGIN = 3
# A strip with fewer letters than this (a page of one short line) proves nothing about Vietnamese marks.
MIN_LETTERS = 40
FRENCH_ENGLISH_MARGIN = 2


@dataclass
class Choice:
    """Models for the main pass, and the alternative to read too when the page is in doubt."""

    langs: str
    alternatives: tuple[str, ...] = ()
    margin: float | None = None  # evidence for `langs` over the alternative (units depend on `how`)
    how: str = "strip"  # fixed, blank, strip, osd+strip, both
    scores: dict[str, float] | None = None  # reading scores when the page was read both ways

    def record(self) -> dict:
        """What is stored with the page: the models used, what they were weighed against, and the margin."""
        out: dict = {"langs": self.langs, "how": self.how}
        if self.alternatives:
            out["against"] = list(self.alternatives)
        if self.margin is not None:
            out["margin"] = round(float(self.margin), 3)
        if self.scores:
            out["scores"] = {k: round(v, 2) for k, v in self.scores.items()}
        return out


def fixed(lang: str) -> Choice:
    """A language the caller chose (the Urdu language means the best installed Urdu model)."""
    return Choice("+".join(urdu_model() if part == "urd" else part for part in lang.split("+")), how="fixed")


class Probe:
    """The page's middle strip and its readings, each model read at most once (the orientation check and the
    language choice share them)."""

    def __init__(self, image: np.ndarray, dpi: int) -> None:
        self.strip = text_strip(image)
        self.dpi = dpi
        self.readings: dict[str, tesseract.OcrResult] = {}

    def read(self, model: str) -> tesseract.OcrResult:
        """The strip read with `model` (psm 6: one block)."""
        if model not in self.readings:
            self.readings[model] = tesseract.ocr(self.strip, model, self.dpi, psm=6, want_pdf=False)
        return self.readings[model]

    def confidence(self, model: str) -> float:
        """Mean word confidence of the strip read with `model` (0 without words)."""
        return self.read(model).confidence or 0.0

    def reads_confidently(self, model: str, confidence: float) -> bool:
        """`model` reads the strip at `confidence` or more, in words of at least MIN_LETTERS letters: a strip of
        digits (an Arabic circular's "رقم 45 لسنة 2020") is read confidently by any model and proves no script."""
        reading = self.read(model)
        return (reading.confidence or 0.0) >= confidence and sum(ch.isalpha() for ch in reading.text) >= MIN_LETTERS

    def reads_upright(self) -> bool:
        """True when the Latin probe model reads the strip confidently (the page is upright and Latin), or there is
        no text to turn: orientation detection is then not needed."""
        if self.strip is None:
            return True
        model = latin_probe_model(configured_languages())
        return model is not None and self.reads_confidently(model, UPRIGHT_CONFIDENT)

    def reads_arabic_upright(self) -> bool:
        """True when `choose` will name Arabic script without doubt (the Latin probe model does not read the strip
        confidently, the Urdu model does and clearly better): the page is taken as upright without OSD, whose
        script `choose` would not use. The strip alone is not proof (s_ar_01 turned by 270 degrees reads at 50.5
        against upright Urdu pages' 54): the caller checks the main pass's confidence (`UPRIGHT_PAGE_CONFIDENT`)."""
        languages = configured_languages()
        if self.strip is None or not any(script_of_language(code) == "Arabic" for code in languages):
            return False
        latin = latin_probe_model(languages)
        if latin is not None and self.reads_confidently(latin, SCRIPT_CONFIDENT):
            return False
        l_conf = self.confidence(latin) if latin else 0.0
        return (self.reads_confidently(urdu_model(), SCRIPT_CONFIDENT)
                and not _in_doubt(self.confidence(urdu_model()), l_conf))


def latin_probe_model(languages: tuple[str, ...] | list[str]) -> str | None:
    """The model the strip is read with first: `vie` (its marks tell Vietnamese apart), else the first configured
    Latin-script language; None when no Latin-script language is configured."""
    latin = [code for code in languages if script_of_language(code) == "Latin"]
    return "vie" if "vie" in latin else (latin[0] if latin else None)


def choose(probe: Probe, osd_script: str | None) -> Choice:
    """The models to read a cleaned page with (see the module docstring for what it costs). `osd_script` is what
    OSD said when it ran (recorded only: the strip readings decide)."""
    languages = configured_languages()
    latin = [code for code in languages if script_of_language(code) == "Latin"]
    arabic = [code for code in languages if script_of_language(code) == "Arabic"]
    if probe.strip is None:
        return Choice(latin_default(latin or languages), how="blank")
    how = "osd+strip" if osd_script else "strip"
    if not arabic:
        return _latin(probe, latin, how)
    if not latin:
        return _arabic(probe, arabic)
    latin_model = latin_probe_model(latin)
    l_conf = probe.confidence(latin_model)
    if probe.reads_confidently(latin_model, SCRIPT_CONFIDENT):
        return _latin(probe, latin, how)
    u_conf = probe.confidence(urdu_model())
    if u_conf > l_conf:
        choice = _arabic(probe, arabic)
        other = _latin(probe, latin, how) if _in_doubt(u_conf, l_conf) else None
    else:
        choice = _latin(probe, latin, how)
        other = _arabic(probe, arabic) if _in_doubt(l_conf, u_conf) else None
    if other is not None:
        # Script in doubt: every Arabic-script model is a candidate (the letter votes of a doubtful strip are weak).
        models = [urdu_model() if code == "urd" else code for code in arabic]
        # Each script's own doubts are not read out as well: at most one Latin and every Arabic-script reading.
        candidates = (choice.langs, other.langs, *models)
        return Choice(choice.langs, tuple(dict.fromkeys(candidates[1:]).keys() - {choice.langs}),
                      margin=abs(u_conf - l_conf), how="both")
    return choice


def _in_doubt(winner: float, loser: float) -> bool:
    return winner - loser < SCRIPT_MARGIN or winner < SCRIPT_CONFIDENT


def _arabic(probe: Probe, arabic: list[str]) -> Choice:
    """Urdu or Arabic (or the one Arabic-script language configured) from the Urdu model's strip reading."""
    models = [urdu_model() if code == "urd" else code for code in arabic]
    if len(models) == 1:
        return Choice(models[0], how="strip")
    margin = arabic_or_urdu_margin(probe.read(urdu_model()).text)
    if "urd" in arabic and "ara" in arabic:
        first, second = (urdu_model(), "ara") if margin > 0 else ("ara", urdu_model())
        if abs(margin) < URDU_ARABIC_MARGIN:
            return Choice(first, (second,), margin=abs(margin), how="both")
        return Choice(first, margin=abs(margin), how="strip")
    # Other Arabic-script languages have no letter votes here: read with each, keep the best.
    return Choice(models[0], tuple(models[1:]), how="both")


def _latin(probe: Probe, latin: list[str], how: str) -> Choice:
    """Vietnamese (vie alone), or the other Latin languages without vie: a Latin page that is not clearly
    Vietnamese never gets a model that can invent Vietnamese marks."""
    others = [code for code in latin if code != "vie"]
    if "vie" not in latin:
        return _french_or_english(None, others, how)
    text = probe.read("vie").text
    if not others:
        return Choice("vie", how=how)
    share = vietnamese_only_share(text)
    letters = sum(ch.isalpha() for ch in text)
    if share >= VIETNAMESE_CLEAR and letters >= MIN_LETTERS:
        return Choice("vie", margin=share, how=how)
    rest = _french_or_english(text, others, how)
    if share > VIETNAMESE_NONE or letters < MIN_LETTERS:
        return Choice(rest.langs, (*rest.alternatives, "vie"), margin=share, how="both")
    return rest


def _french_or_english(text: str | None, others: list[str], how: str) -> Choice:
    """English or French by the strip's function words and accents; other configured Latin languages join as extra
    models."""
    if not others:
        return Choice("eng", how=how)
    guess, margin = french_or_english(text or "")
    if guess == "fra" and margin < FRENCH_ENGLISH_MARGIN:
        # No French function word, only accents, which the vie model invents on English (s_en_04): English first;
        # the main pass's whole text has the final say (`second_opinion`).
        guess = "eng"
    primary = guess if guess in others else others[0]
    extra = [code for code in others if code not in (primary, "eng", "fra")]
    # A strip holds a few dozen words: doubt between French and English is settled on the main pass's whole text
    # (`second_opinion`), not by reading the page twice up front.
    return Choice("+".join([primary, *extra]), margin=margin, how=how)


def second_opinion(choice: Choice, text: str) -> tuple[str, ...]:
    """Models to read the page with too, judged on the main pass's own text: a page read as English whose whole
    text is French (or the reverse), or where French and English stay close with some French in it (a form, a
    certificate: few function words either way)."""
    parts = choice.langs.split("+")
    if choice.how in ("fixed", "blank") or parts[0] not in ("eng", "fra"):
        return ()
    rest = [code for code in ("eng", "fra") if code in configured_languages() and code != parts[0]]
    if not rest:
        return ()
    guess, margin = french_or_english(text)
    if guess != parts[0] or (margin < FRENCH_ENGLISH_MARGIN and (guess == "fra" or french_votes(text) > 0)):
        other = "+".join([rest[0], *parts[1:]])
        return () if other in choice.alternatives else (other,)
    return ()


def models_for(language: str | None) -> str:
    """Tesseract models for a page whose language is already known (e.g. from its text layer)."""
    if language == "urd":
        return urdu_model()
    if language and language in configured_languages():
        return language
    return latin_default(configured_languages())


def latin_default(latin: list[str] | tuple[str, ...]) -> str:
    """Models for a page with nothing to judge by: English if configured (it invents no marks)."""
    return "eng" if "eng" in latin else (latin[0] if latin else "eng")


def reading_score(words: list[dict]) -> float:
    """How good a reading is: mean word confidence weighted by word length (long words weigh more than specks)."""
    total = sum(len(w["text"]) for w in words)
    return sum(w["conf"] * len(w["text"]) for w in words) / total if total else 0.0


def page_language(langs: str, text: str, detect) -> str:
    """The page's single language: the model's when one model read it, else detected from the text."""
    if "+" not in langs:
        return language_of_model(langs)
    return detect(text) or language_of_model(langs.split("+")[0])


def text_strip(image: np.ndarray, share: float = STRIP_SHARE) -> np.ndarray | None:
    """The band of the page around the middle of its inked rows, `share` of the inked height; None if blank."""
    # Ink pixels per row, counted once (the band and its widening both use it); OpenCV's row sums are 8x faster than
    # np.count_nonzero(image < 128, axis=1).
    ink = cv2.threshold(image, 127, 1, cv2.THRESH_BINARY_INV)[1]
    per_row = cv2.reduce(ink, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel()
    ink_rows = np.flatnonzero(per_row > 2)
    if ink_rows.size == 0:
        return None
    top, bottom = int(ink_rows[0]), int(ink_rows[-1])
    middle, half = (top + bottom) // 2, max(50, int((bottom - top) * share / 2))
    text_ink = max(3, image.shape[1] * TEXT_ROW_INK)  # rows past the inked ones hold no more than 2: never text
    if not (per_row[max(0, middle - half): middle + half] >= text_ink).any():
        # The middle falls between letters on one sheet (a blank band reads as nothing): a quarter of the way down
        # the text rows, inside the first letter's text (the nearest text line was a signature block, in doubt).
        text_rows = np.flatnonzero(per_row >= text_ink)
        if text_rows.size:
            middle = int(text_rows[len(text_rows) // 4])
    start, stop = max(top, middle - half), min(bottom + 1, middle + half)
    # Widen the band to the gaps between text lines: a line cut through reads as invented marks.
    blank = per_row <= 2
    limit = 4 * half
    while start > top and not blank[start] and middle - start < limit:
        start -= 1
    while stop <= bottom and not blank[stop - 1] and stop - middle < limit:
        stop += 1
    return image[max(0, start - 10): stop + 10]
