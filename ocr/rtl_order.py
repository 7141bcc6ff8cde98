"""Right-to-left text that came out in visual (left-to-right) order, and putting it back in logical order.

Some PDFs draw Arabic unshaped, letter by letter in isolated forms; their text layer then holds the line in visual
order and Tesseract reads the drawing as it stands (also in visual order). Both are told by the letters words
start and end with: in logical order "ال" starts words and ة/ى/ے/ں end them; reversed, the opposite.
"""

from __future__ import annotations

import re

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

_ARABIC_WORD = re.compile(r"[\u0600-\u06ff]+")
_ENDING_ONLY = "ةىےںۃ"
# An OCR word this close to a word of the page's (repaired) text layer takes the layer's spelling.
LAYER_MATCH = 0.6


def looks_visual(text: str, ratio: float = 4.0) -> bool:
    """True when the Arabic-script words of `text` read as stored backwards: at least one backwards word for each
    `ratio` forwards ones (a text layer: 4, any reversed word makes it unfit; OCR output: 0.5, mostly backwards)."""
    words = [w for w in _ARABIC_WORD.findall(text) if len(w) > 1]
    if not words:
        return False
    backwards = sum(w[0] in _ENDING_ONLY or (w.endswith("لا") and len(w) > 3) for w in words)
    forwards = sum(w[-1] in _ENDING_ONLY for w in words) + sum(w.startswith("ال") for w in words)
    shaped = sum("\ufb50" <= ch <= "\ufeff" for w in words for ch in w)
    return (backwards > 0 and backwards * ratio >= forwards) or shaped > 0.3 * sum(map(len, words))


def reverse_line(line: str) -> str:
    """A visual-order line in logical order: characters reversed, runs of digits and Latin kept as written."""
    runs = re.findall(r"[0-9A-Za-z.,:/\-]+|[^0-9A-Za-z.,:/\-]+", line)
    return "".join(run if re.match(r"[0-9A-Za-z]", run) else run[::-1] for run in reversed(runs)).strip()


def unreverse_words(words: list[dict]) -> list[dict]:
    """OCR words of a page read in visual order, put in logical order line by line (boxes stay with words)."""
    if not looks_visual(" ".join(w["text"] for w in words), ratio=0.5):
        return words
    lines: dict[int, list[dict]] = {}
    for word in words:
        lines.setdefault(word.get("line", 0), []).append(word)
    out = []
    for line in lines.values():
        for word in reversed(line):
            out.append({**word, "text": reverse_line(word["text"])})
    return out


def layer_words(layer_text: str) -> list[str]:
    """The Arabic-script words of a text layer, each in logical order (pdfium turns some around itself)."""
    return sorted({w[::-1] if looks_visual(w) else w for w in _ARABIC_WORD.findall(layer_text)})


def guide_by_layer(words: list[dict], layer_text: str) -> list[dict]:
    """OCR words spelled as the page's own text layer spells them, where one of its words is close enough.

    For pages whose layer was set aside only for its order: the layer has the right letters, OCR the boxes. Layer
    words are taken in logical order (pdfium turns some around itself); an OCR word may match as read or reversed
    (a model that read the drawing backwards), and a line whose words mostly matched reversed is put back in
    logical order."""
    known = layer_words(layer_text)
    if not known:
        return words

    def match(text: str) -> tuple[str, float, bool]:
        best = ("", 0.0, False)
        for candidate, backwards in ((text, False), (text[::-1], True)):
            found = process.extractOne(candidate, known, scorer=Levenshtein.normalized_similarity,
                                       score_cutoff=LAYER_MATCH)
            if found and found[1] > best[1]:
                best = (found[0], found[1], backwards)
        return best

    lines: dict[int, list[dict]] = {}
    for word in words:
        lines.setdefault(word.get("line", 0), []).append(word)
    out: list[dict] = []
    for line in lines.values():
        guided, backwards_votes = [], 0
        i = 0
        while i < len(line):
            # OCR may split one word in two or three ("و زا رڈ"): join a run when together it matches a layer
            # word better than its first word alone.
            run = line[i:i + 3]
            best_size, (best_text, best_score, backwards) = 1, match(run[0]["text"])
            for size in range(2, len(run) + 1):
                text, score, back = match("".join(w["text"] for w in run[:size]))
                if score > best_score:
                    best_size, best_text, best_score, backwards = size, text, score, back
            backwards_votes += (1 if backwards else -1) if best_text else 0
            if best_size == 1:
                guided.append({**run[0], "text": best_text} if best_text else run[0])
            else:
                guided.append(_union(run[:best_size], best_text))
            i += best_size
        out.extend(reversed(guided) if backwards_votes > 0 else guided)
    return out


def _union(run: list[dict], text: str) -> dict:
    """One word covering the boxes of `run`."""
    left = min(w["left"] for w in run)
    top = min(w["top"] for w in run)
    right = max(w["left"] + w["width"] for w in run)
    bottom = max(w["top"] + w["height"] for w in run)
    return {**run[0], "text": text, "left": left, "top": top, "width": right - left, "height": bottom - top,
            "conf": min(w["conf"] for w in run)}
