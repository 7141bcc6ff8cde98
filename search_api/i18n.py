"""The web UI's two languages (Vietnamese, English), date display (dd/mm/yyyy) and text direction per text."""

from __future__ import annotations

import unicodedata

from search_api.catalogues import load_catalogues

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
RTL_LANGS = ("urd", "ara")
_HTML_LANG = {"vie": "vi", "eng": "en", "urd": "ur", "ara": "ar", "fra": "fr"}

# Every UI string is in the gettext catalogues search_api/locale/{vi,en}/LC_MESSAGES/messages.po (msgid = the
# key; see docs/api.md, Translations): add a message to both files, or run scripts/messages_to_po.py to absorb a dict.
MESSAGES: dict[str, dict[str, str]] = load_catalogues(LANGS)


def translate(key: str, lang: str, **values: object) -> str:
    """The message `key` in `lang` (falls back to English; for an unknown `lang_xxx`/`st_xxx` key, to `xxx`)."""
    entry = MESSAGES.get(key)
    text = (entry.get(lang) or entry.get("en")) if entry else key.split("_", 1)[-1]
    return text.format(**values) if values else text


def translate_message(message: dict | list | str | None, lang: str, fallback: str | None = None) -> str:
    """A keyed message (documents.errors: `{"key", "params"}`, params possibly keyed messages or lists of them) in
    `lang`. A plain string is shown as it is; a key the catalogues do not know, or whose text asks for a param the
    record lacks, gives `fallback` (the stored English reason), so nothing is lost to an older or newer record."""
    if isinstance(message, list):
        return "; ".join(translate_message(m, lang) for m in message)
    if not isinstance(message, dict):
        return fallback if message is None else str(message)
    key, params = message.get("key"), message.get("params") or {}
    if key not in MESSAGES:
        return fallback if fallback is not None else str(key)
    try:
        return translate(key, lang, **{name: translate_message(v, lang) if isinstance(v, dict | list) else v
                                       for name, v in params.items()})
    except (KeyError, IndexError, ValueError):  # the catalogue's text and the stored params disagree
        return fallback if fallback is not None else translate(key, "en", **params)


def reason_in(error: str | None, key: str | None, params: dict | None, lang: str) -> str | None:
    """The reason of a ledger entry, manifest or batch (its `error`, `error_key`, `error_params`) in `lang`; the
    English `error` for a record written before reasons had keys."""
    if not key:
        return error
    return translate_message({"key": key, "params": params or {}}, lang, error)


def doc_label(title: str | None, doc_type: str | None, number: str | None, issued: str | None, lang: str,
              filename: str | None = None) -> str:
    """A document's title, or for one without a title a readable label from its type, number and date
    (`Công văn số 12/UBND ngày 03/04/2024`), else its type and file name; never its hex id."""
    if title and title.strip():
        return title
    kind = translate(f"dt_{doc_type or 'other'}", lang)
    if number and issued:
        return translate("untitled_number_date", lang, type=kind, number=number, date=format_date(issued))
    if number:
        return translate("untitled_number", lang, type=kind, number=number)
    if issued:
        return translate("untitled_date", lang, type=kind, date=format_date(issued))
    if filename:
        return f"{kind}: {filename}"
    return translate("untitled", lang, type=kind)


def pick_lang(cookie: str | None, accept_language: str | None) -> str:
    """The UI language: the user's choice (cookie), else the browser's if English, else Vietnamese."""
    if cookie in LANGS:
        return cookie
    if accept_language and accept_language.lower().startswith("en"):
        return "en"
    return DEFAULT_LANG


def format_date(value: str | None) -> str:
    """ISO `yyyy-mm-dd[...]` -> `dd/mm/yyyy`; empty for None; other text unchanged."""
    if not value:
        return ""
    head = value[:10]
    if len(head) == 10 and head[4] == "-" and head[7] == "-":
        return f"{head[8:10]}/{head[5:7]}/{head[0:4]}"
    return value


def html_lang(code: str | None) -> str:
    """The HTML `lang` of a Tesseract language code (`urd` -> `ur`), so the right font and shaping apply."""
    return _HTML_LANG.get(code or "", "")


def text_dir(text: str | None, lang: str | None = None) -> str:
    """`rtl` for Urdu/Arabic text (by language code or by its first strong character), else `ltr`."""
    if lang in RTL_LANGS:
        return "rtl"
    for ch in text or "":
        bidi = unicodedata.bidirectional(ch)
        if bidi in ("R", "AL"):
            return "rtl"
        if bidi == "L":
            return "ltr"
    return "ltr"
