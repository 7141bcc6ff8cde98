"""Which OCR word boxes of a page match a query, for drawing highlights over the page image.

The query is parsed with the index's own query language and words are compared in the index's folded form, so
what is highlighted on the page is what the search matched (`Nguyen` lights up `Nguyễn`, `۲۰۲۳` lights up `2023`).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise

from index.folding import fold, tokens
from index.query import Phrase, Term, parse, positive_terms


def _query_words(query: str) -> tuple[set[str], list[str], list[tuple[list[str], bool]]]:
    """(whole words, prefixes, (phrase words, last word is a prefix)) of the query, all folded."""
    words: set[str] = set()
    prefixes: list[str] = []
    phrases: list[tuple[list[str], bool]] = []
    for node in positive_terms(parse(query)):
        if isinstance(node, Term):
            (prefixes.append if node.prefix else words.add)(fold(node.word))
        elif isinstance(node, Phrase):
            phrases.append(([fold(w) for w in node.words], node.prefix))
    return words, prefixes, phrases


def _box_words(box: dict) -> list[str]:
    return [fold(t) for t in tokens(str(box.get("text", "")))]


def tightened_boxes(words_json: list[dict]) -> list[dict]:
    """Word boxes no wider than the gap between their neighbours on the line.

    Tesseract sometimes gives a right-to-left word a box that runs over the words before it (on s_ar_01 the box of
    `الأرض` also covers `قطعة` and `بيانات`). Words carry their line number and come in reading order, so each box
    is clipped at the near edges of the words read just before and after it; a clip that would leave less than a
    fifth of the box is not made.
    """
    out = [dict(w) for w in words_json]
    lines: dict[int, list[int]] = defaultdict(list)
    for i, w in enumerate(words_json):
        if w.get("line") is not None:
            lines[w["line"]].append(i)
    for order in lines.values():
        if len(order) < 2:
            continue
        steps = [words_json[b]["left"] - words_json[a]["left"] for a, b in pairwise(order)]
        rtl = sum(s < 0 for s in steps) > len(steps) / 2
        for k, i in enumerate(order):
            box = words_json[i]
            left, right = box["left"], box["left"] + box["width"]
            before = words_json[order[k - 1]] if k > 0 else None
            after = words_json[order[k + 1]] if k + 1 < len(order) else None
            # the neighbour on the right and on the left of this word on the page
            right_nb, left_nb = (before, after) if rtl else (after, before)
            if right_nb is not None and left < right_nb["left"] < right:
                right = right_nb["left"]
            if left_nb is not None and left < left_nb["left"] + left_nb["width"] < right:
                left = left_nb["left"] + left_nb["width"]
            if right - left >= box["width"] / 5:
                out[i]["left"], out[i]["width"] = left, right - left
    return out


def matching_boxes(words_json: list[dict], query: str, width: int, height: int) -> list[dict]:
    """Boxes (in percent of the page, for CSS) of the words that match `query`.

    A phrase highlights only where all its words follow each other on the page.
    """
    if not query.strip() or not words_json:
        return []
    words, prefixes, phrases = _query_words(query)
    folded = [_box_words(b) for b in words_json]
    hit = [False] * len(words_json)
    for i, parts in enumerate(folded):
        if any(p in words or any(p.startswith(x) for x in prefixes) for p in parts):
            hit[i] = True
    # Phrases: walk the page's word sequence (a box may hold several tokens, e.g. "30/2020").
    flat = [(i, p) for i, parts in enumerate(folded) for p in parts]
    for phrase, last_prefix in phrases:
        n = len(phrase)
        for start in range(len(flat) - n + 1):
            last = flat[start + n - 1][1]
            if all(flat[start + k][1] == phrase[k] for k in range(n - 1)) and (
                    last == phrase[-1] or (last_prefix and last.startswith(phrase[-1]))):
                for k in range(n):
                    hit[flat[start + k][0]] = True
    width, height = max(width, 1), max(height, 1)
    out = []
    for box, on in zip(tightened_boxes(words_json), hit, strict=True):
        if on:
            out.append({"text": box.get("text", ""),
                        "left": round(100 * box["left"] / width, 3), "top": round(100 * box["top"] / height, 3),
                        "width": round(100 * box["width"] / width, 3),
                        "height": round(100 * box["height"] / height, 3)})
    return out
