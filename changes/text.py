"""Correct a page's OCR text. The corrected text replaces the OCR text for search, display and downloads; the OCR
text stays stored beside it (`NNNN.ocr.txt`, `NNNN.ocr.words.json`, `NNNN.ocr.pdf`) and in the revision; the page's
PDF gets the corrected words as its invisible text layer (changes/pdflayer.py). Word boxes of unchanged
words stay where the OCR found them; words of edited lines are marked `edited` and get the boxes of the words they
replace (shared out by length), so highlights still land on the right part of the page."""

from __future__ import annotations

import difflib
import json
import unicodedata

from changes.core import ChangeRefused, Editor, change_document, editable_page, revision
from changes.rules import can_edit
from documents.errors import NotFound
from documents.model import Manifest, Revision, now_iso, page_key
from workers.pipeline import put_hashed, rebuild_document_objects

MAX_PAGE_TEXT = 200_000


def normalise(text: str) -> str:
    """NFC, Unix line ends, no trailing spaces, no trailing empty lines."""
    lines = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _lines(words: list[dict]) -> list[list[dict]]:
    """The words grouped by text line, in reading order: OCR words carry their line number; words without one
    (a PDF's text layer) are grouped by their top edge."""
    grouped: dict[object, list[dict]] = {}
    for word in words:
        key = word["line"] if "line" in word else ("top", int(word.get("top", 0)) // max(1, int(word.get("height", 1))))
        grouped.setdefault(key, []).append(word)
    return list(grouped.values())


def _spread(old: list[dict], new_tokens: list[str], line: int) -> list[dict]:
    """New words taking the place of `old` words: their union box shared out left to right by length."""
    if not old:
        return [{"text": t, "left": 0, "top": 0, "width": 0, "height": 0, "conf": None, "line": line,
                 "edited": True} for t in new_tokens]
    left = min(w["left"] for w in old)
    top = min(w["top"] for w in old)
    right = max(w["left"] + w["width"] for w in old)
    bottom = max(w["top"] + w["height"] for w in old)
    total = sum(len(t) + 1 for t in new_tokens) or 1
    out, x = [], float(left)
    for token in new_tokens:
        width = (right - left) * (len(token) + 1) / total
        out.append({"text": token, "left": round(x), "top": top, "width": max(1, round(width) - 1),
                    "height": bottom - top, "conf": None, "line": line, "edited": True})
        x += width
    return out


def realign(old_words: list[dict], new_text: str) -> tuple[list[dict], list[int]]:
    """Word boxes for `new_text` from the OCR's `old_words`, and the (0-based) numbers of the edited lines."""
    old_lines = _lines(old_words)
    old_strings = [" ".join(w["text"] for w in line) for line in old_lines]
    new_strings = new_text.split("\n") if new_text else []
    words: list[dict] = []
    edited: list[int] = []
    matcher = difflib.SequenceMatcher(a=old_strings, b=new_strings, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            for k in range(b1 - b0):
                words.extend({**w, "line": b0 + k} for w in old_lines[a0 + k])
            continue
        if op == "delete":
            continue
        # replace/insert: align the words of the block, line by line where the counts match
        pairs = ([(old_lines[a0 + k], b0 + k) for k in range(b1 - b0)] if a1 - a0 == b1 - b0
                 else [([w for line in old_lines[a0:a1] for w in line], None)])
        if pairs[0][1] is None:
            old_block = pairs[0][0]
            for n in range(b0, b1):
                words.extend(_align_line(old_block if n == b0 else [], new_strings[n].split(), n))
                edited.append(n)
            continue
        for old_line, n in pairs:
            words.extend(_align_line(old_line, new_strings[n].split(), n))
            edited.append(n)
    return words, edited


def _align_line(old: list[dict], tokens: list[str], line: int) -> list[dict]:
    matcher = difflib.SequenceMatcher(a=[w["text"] for w in old], b=tokens, autojunk=False)
    out: list[dict] = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            out.extend({**w, "line": line, "edited": True} for w in old[a0:a1])
        elif op in ("replace", "insert"):
            out.extend(_spread(old[a0:a1] or ([out[-1]] if out else []), tokens[b0:b1], line))
    return out


def correct_text(editor: Editor, doc_id: str, page: int, new_text: str) -> Manifest:
    """Replace the text of page `page` (1-based) with `new_text`; resolves the page's review flags as corrected."""
    if not isinstance(new_text, str):
        raise ChangeRefused("the corrected text must be text", "c_text_not_text")
    text = normalise(new_text)
    if len(text) > MAX_PAGE_TEXT:
        raise ChangeRefused(f"the text is {len(text)} characters long; a page holds at most {MAX_PAGE_TEXT}",
                            "c_text_too_long", n=len(text), max=MAX_PAGE_TEXT)
    store = editor.backends.store

    def mutate(manifest: Manifest) -> list[Revision]:
        summary = editable_page(manifest, page)
        old_text = store.get_bytes(page_key(doc_id, page, "txt")).decode()
        if normalise(old_text) == text:
            return []
        old_words = _words(store, doc_id, page)
        if not store.exists(page_key(doc_id, page, "ocr.txt")):  # the machine's reading, kept once
            store.put_bytes(page_key(doc_id, page, "ocr.txt"), old_text.encode(), "text/plain; charset=utf-8")
            store.put_bytes(page_key(doc_id, page, "ocr.words.json"),
                            json.dumps(old_words, ensure_ascii=False).encode(), "application/json")
        words, edited = realign(old_words, text)
        summary.sha256["words.json"] = put_hashed(store, page_key(doc_id, page, "words.json"),
                                                  json.dumps(words, ensure_ascii=False).encode(), "application/json")
        summary.sha256["txt"] = put_hashed(store, page_key(doc_id, page, "txt"), text.encode(),
                                           "text/plain; charset=utf-8")
        _relayer_pdf(store, manifest, summary, words)
        rebuild_document_objects(store, manifest)
        summary.text_edited = True
        summary.chars = len(text)
        summary.edited_lines = sorted(set(summary.edited_lines) | {n + 1 for n in edited})
        made = [revision(editor, "text", before=old_text, after=text, page=page)]
        made += resolve_open(editor, manifest, page, "review", "corrected")
        return made

    return change_document(editor, doc_id, "text", can_edit, mutate)


def _relayer_pdf(store, manifest: Manifest, summary, words: list[dict]) -> None:
    """The page's PDF with the corrected words as its text layer (the OCR one kept once as `NNNN.ocr.pdf`)."""
    from changes.pdflayer import relayer

    key = page_key(manifest.id, summary.number, "pdf")
    try:
        pdf = store.get_bytes(key)
    except NotFound:
        return
    new = relayer(pdf, words, summary.width, summary.height)
    if new is None:
        return
    if not store.exists(page_key(manifest.id, summary.number, "ocr.pdf")):
        store.put_bytes(page_key(manifest.id, summary.number, "ocr.pdf"), pdf, "application/pdf")
    summary.sha256["pdf"] = put_hashed(store, key, new, "application/pdf")


def _words(store, doc_id: str, page: int) -> list[dict]:
    try:
        return json.loads(store.get_bytes(page_key(doc_id, page, "words.json")))
    except NotFound:
        return []


def resolve_open(editor: Editor, manifest: Manifest, page: int, kind: str | None, how: str,
                 reason: str | None = None) -> list[Revision]:
    """Mark the page's open flags (of `kind` and `reason`, or all) resolved `how`; one revision per flag."""
    summary = next((p for p in manifest.pages if p.number == page), None)
    made = []
    for flag in summary.flags if summary else []:
        if flag.resolution is None and kind in (None, flag.kind) and reason in (None, flag.reason):
            flag.resolution, flag.resolved_by, flag.resolved_at = how, editor.principal.user, now_iso()
            made.append(revision(editor, "resolve_flag", field=flag.reason, before=None, after=how, page=page))
    return made
