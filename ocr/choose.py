"""Which Tesseract models read a page: decided cheaply where the page is clear, read both ways where in doubt.

Cost per page (on top of OSD, which cleanup runs anyway for orientation):
- OSD says Latin: one strip read (the `vie` model on a band a tenth of the inked height) tells Vietnamese from
  the rest; the same reading's function words tell French from English.
- OSD says Arabic or cannot tell: the strip is read with the Urdu and the English model; the more confident one
  names the script, Urdu-only letters and words in the Urdu reading tell Urdu from Arabic. A Latin answer then
  costs the `vie` strip read too.
- In doubt (margins below, or a language not configured to be told apart): the page is also read in full with
  the other candidate and the better-scoring reading is kept (`pick`).
Every choice records what won, what it was weighed against and by how much (`Choice.record`).
"""

from __future__ import annotations

from dataclasses import dataclass

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

# Height of the strip read to choose the models, as a share of the inked height. At 0.1 every sample page gets the
# same models as at 0.4 for less than half the strip OCR time.
STRIP_SHARE = 0.1
# Share of Latin letters with Vietnamese-only marks in the `vie` reading of the strip. Measured: Vietnamese pages
# 0.24-0.36 (samples and demo), English and French pages 0.00 (samples, demo); the vie model reading a whole short
# English page invents marks on about 5 % ("Thịs 1s a test documernit").
VIETNAMESE_CLEAR = 0.07
VIETNAMESE_NONE = 0.02
# Urdu-model vs English-model strip confidence: Arabic-script samples 54-81 against 22-35, Latin 72-91 against
# 28-45. Closer than this, or neither model confident, and both scripts are read in full.
SCRIPT_MARGIN = 15.0
SCRIPT_CONFIDENT = 50.0
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


def choose(image: np.ndarray, dpi: int, osd_script: str | None) -> Choice:
    """The models to read a cleaned page with (see the module docstring for what it costs)."""
    languages = configured_languages()
    latin = [code for code in languages if script_of_language(code) == "Latin"]
    arabic = [code for code in languages if script_of_language(code) == "Arabic"]
    strip = text_strip(image)
    if strip is None:
        return Choice(latin_default(latin or languages), how="blank")
    if osd_script == "Latin" or not arabic:
        return _latin(strip, dpi, latin, how="osd+strip" if osd_script == "Latin" else "strip")
    if not latin:
        return _arabic(None, strip, dpi, arabic)
    urdu = tesseract.ocr(strip, urdu_model(), dpi, psm=6, want_pdf=False)
    english = tesseract.ocr(strip, "eng", dpi, psm=6, want_pdf=False)
    u_conf, e_conf = urdu.confidence or 0.0, english.confidence or 0.0
    if u_conf > e_conf:
        choice = _arabic(urdu.text, strip, dpi, arabic)
        other = _latin(strip, dpi, latin, how="strip") if _in_doubt(u_conf, e_conf) else None
    else:
        choice = _latin(strip, dpi, latin, how="strip")
        other = _arabic(urdu.text, strip, dpi, arabic) if _in_doubt(e_conf, u_conf) else None
    if other is not None:
        # Script in doubt: every Arabic-script model is a candidate (the letter votes of a doubtful strip are weak).
        models = [urdu_model() if code == "urd" else code for code in arabic]
        # Each script's own doubts are not read out as well: at most one Latin and every Arabic-script reading.
        candidates = (choice.langs, other.langs, *models)
        return Choice(choice.langs, tuple(dict.fromkeys(candidates[1:]).keys() - {choice.langs}),
                      margin=abs(u_conf - e_conf), how="both")
    return choice


def _in_doubt(winner: float, loser: float) -> bool:
    return winner - loser < SCRIPT_MARGIN or winner < SCRIPT_CONFIDENT


def _arabic(urdu_text: str | None, strip: np.ndarray, dpi: int, arabic: list[str]) -> Choice:
    """Urdu or Arabic (or the one Arabic-script language configured) from the Urdu model's strip reading."""
    models = [urdu_model() if code == "urd" else code for code in arabic]
    if len(models) == 1:
        return Choice(models[0], how="strip")
    if urdu_text is None:
        urdu_text = tesseract.ocr(strip, urdu_model(), dpi, psm=6, want_pdf=False).text
    margin = arabic_or_urdu_margin(urdu_text)
    if "urd" in arabic and "ara" in arabic:
        first, second = (urdu_model(), "ara") if margin > 0 else ("ara", urdu_model())
        if abs(margin) < URDU_ARABIC_MARGIN:
            return Choice(first, (second,), margin=abs(margin), how="both")
        return Choice(first, margin=abs(margin), how="strip")
    # Other Arabic-script languages have no letter votes here: read with each, keep the best.
    return Choice(models[0], tuple(models[1:]), how="both")


def _latin(strip: np.ndarray, dpi: int, latin: list[str], how: str) -> Choice:
    """Vietnamese (vie alone), or the other Latin languages without vie: a Latin page that is not clearly
    Vietnamese never gets a model that can invent Vietnamese marks."""
    others = [code for code in latin if code != "vie"]
    if "vie" not in latin:
        return _french_or_english(None, others, how)
    text = tesseract.ocr(strip, "vie", dpi, psm=6, want_pdf=False).text
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
    """English or French by function words and accents; other configured Latin languages join as extra models."""
    if not others:
        return Choice("eng", how=how)
    guess, margin = french_or_english(text or "")
    primary = guess if guess in others else others[0]
    extra = [code for code in others if code not in (primary, "eng", "fra")]
    rest = [code for code in ("eng", "fra") if code in others and code != primary]
    # Few function words either way (a form, a certificate) is only doubt when there is some French in it.
    if rest and margin < FRENCH_ENGLISH_MARGIN and (guess == "fra" or french_votes(text or "") > 0):
        return Choice("+".join([primary, *extra]), ("+".join([rest[0], *extra]),), margin=margin, how="both")
    return Choice("+".join([primary, *extra]), margin=margin, how=how)


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
    ink_rows = np.flatnonzero((image < 128).sum(axis=1) > 2)
    if ink_rows.size == 0:
        return None
    top, bottom = int(ink_rows[0]), int(ink_rows[-1])
    middle, half = (top + bottom) // 2, max(50, int((bottom - top) * share / 2))
    start, stop = max(top, middle - half), min(bottom + 1, middle + half)
    # Widen the band to the gaps between text lines: a line cut through reads as invented marks.
    blank = (image < 128).sum(axis=1) <= 2
    limit = 4 * half
    while start > top and not blank[start] and middle - start < limit:
        start -= 1
    while stop <= bottom and not blank[stop - 1] and stop - middle < limit:
        stop += 1
    return image[max(0, start - 10): stop + 10]
