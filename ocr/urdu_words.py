"""Urdu word repair after OCR, with the dictionary of tesseract's own Urdu model.

Nastaliq words end in letters that sweep back under the next word, so the `urd` model often puts the space one
letter early ("منظور یکی" for "منظوری کی"), runs two words together ("شہرکے") or misreads a letter. Each line is
repaired in two passes, and a change is made only where it turns words the dictionary does not know into words it
does:

1. spacing: move one letter across a space, join two fragments (also two short ones that are words only by
   chance, "رس ول"), or split a short function word off a run-together word; "تے" after a participle is "تھے";
2. spelling: an unknown word becomes a dictionary word that differs from it in one letter, when exactly one does
   (a misread letter; dropped or extra letters and two-letter changes made as many wrong words as right ones).

Word boxes follow the words: a moved letter keeps both boxes, joined words get the union, a split word's box is
divided by letters (right to left).
"""

from __future__ import annotations

import functools

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ocr import lexicon

LANG = "urd"
PUNCTUATION = "۔،,.:;؛؟!()/\"'”“-"
# Short words that tesseract runs into their neighbour: postpositions, the copula and conjunctions. A word is only
# split off one of these: two longer dictionary words inside an unknown one are as often a name ("جڑانوالہ").
SHORT_WORDS = frozenset(["و", "کے", "کی", "کا", "کو", "سے", "نے", "پر", "ہے", "یہ", "وہ", "جو", "تک", "ہی", "بھی"])
MIN_SPELL = 3  # shorter words have too many neighbours to guess from


# The past auxiliary "تھے" loses its "ھ" in Nastaliq OCR and reads "تے"; after a participle (a word ending in ے,
# "ہوئے تھے", "گئے تھے") "تے" is that auxiliary.
AUXILIARY = {"تے": "تھے"}


def _auxiliaries(line: list[dict]) -> list[dict]:
    out = []
    for i, word in enumerate(line):
        if word["text"] in AUXILIARY and i and line[i - 1]["text"].endswith("ے"):
            word = {**word, "text": AUXILIARY[word["text"]]}
        out.append(word)
    return out


def repair(words: list[dict]) -> list[dict]:
    """The words of an Urdu page (tesseract's, with their `line` numbers) with spacing and spelling repaired."""
    known = lexicon.words(LANG)
    if not known:
        return words
    lines: dict[int, list[dict]] = {}
    for word in words:
        lines.setdefault(word["line"], []).append(word)
    out = []
    for line in lines.values():
        out.extend(_spell(w, known) for w in _auxiliaries(_respace(line, known)))
    return out


def _core(text: str) -> str:
    return text.strip(PUNCTUATION)


def _is_known(text: str, known: frozenset[str]) -> bool:
    core = _core(text)
    if len(core) == 1 and core not in SHORT_WORDS:  # the dictionary lists stray letters; only "و" is a word
        return False
    return bool(core) and (core in known or all(ch.isdigit() or ch in PUNCTUATION for ch in core))


def _respace(line: list[dict], known: frozenset[str]) -> list[dict]:
    """Spacing pass over one line, in reading order."""
    words = list(line)
    out: list[dict] = []
    i = 0
    while i < len(words):
        if i + 1 < len(words):
            words[i:i + 2] = _rejoin(words[i], words[i + 1], known)
        word = words[i]
        out.extend(_split(word, known) if not _is_known(word["text"], known) else [word])
        i += 1
    return out


def _rejoin(first: dict, second: dict, known: frozenset[str]) -> list[dict]:
    """Two neighbouring words, with one letter moved across the space or joined, if that makes all of them known."""
    a, b = first["text"], second["text"]
    if _is_known(a, known) and _is_known(b, known):
        return [_union(first, second, a + b)] if _split_pair(a, b, known) else [first, second]
    if _is_known(a + b, known):  # one word in two pieces ("ر سول،"): joining beats moving a letter ("رس ول،")
        return [_union(first, second, a + b)]
    for left, right in ((a[:-1], a[-1] + b), (a + b[0], b[1:])):
        if left and right and _is_known(left, known) and _is_known(right, known):
            return [{**first, "text": left}, {**second, "text": right}]
    return [first, second]


def _split_pair(a: str, b: str, known: frozenset[str]) -> bool:
    """Two short fragments that are words only by chance ("رس ول"), where together they are a word ("رسول"):
    both of at most two letters, neither a function word, no punctuation."""
    core = _core(b)  # the second may carry the line's punctuation ("رس ول،")
    return (len(a) <= 2 and len(core) <= 2 and a.isalpha() and core.isalpha() and a not in SHORT_WORDS
            and core not in SHORT_WORDS and _is_known(a + b, known))


def _split(word: dict, known: frozenset[str]) -> list[dict]:
    """An unknown word as a known word and a short function word, when it splits so; else as it is."""
    text = word["text"]
    for cut in range(1, len(text)):
        first, second = text[:cut], text[cut:]
        short = _core(first) in SHORT_WORDS or _core(second) in SHORT_WORDS
        if short and _is_known(first, known) and _is_known(second, known):
            # Right to left: the first word of the pair is the right-hand part of the box.
            right_width = round(word["width"] * cut / len(text))
            left_part = {**word, "text": text[cut:], "width": word["width"] - right_width}
            right_part = {**word, "text": text[:cut], "left": word["left"] + word["width"] - right_width,
                          "width": right_width}
            return [right_part, left_part]
    return [word]


def _union(first: dict, second: dict, text: str) -> dict:
    left, top = min(first["left"], second["left"]), min(first["top"], second["top"])
    right = max(first["left"] + first["width"], second["left"] + second["width"])
    bottom = max(first["top"] + first["height"], second["top"] + second["height"])
    return {**first, "text": text, "left": left, "top": top, "width": right - left, "height": bottom - top,
            "conf": min(first["conf"], second["conf"])}


@functools.cache
def _choices(known: frozenset[str]) -> list[str]:
    return sorted(known)


def _spell(word: dict, known: frozenset[str]) -> dict:
    """The word with one letter of its core replaced, when that gives exactly one dictionary word."""
    core = _core(word["text"])
    if len(core) < MIN_SPELL or _is_known(word["text"], known):
        return word
    hits = process.extract(core, _choices(known), scorer=Levenshtein.distance, score_cutoff=1, limit=None)
    nearest = [hit[0] for hit in hits]
    if len(nearest) != 1:
        return word
    return {**word, "text": word["text"].replace(core, nearest[0], 1)}
