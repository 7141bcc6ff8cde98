"""The UI's gettext message catalogues: search_api/locale/{lang}/LC_MESSAGES/messages.po, one per language, read
with Babel when the app starts (no compile step). A message's msgid is its key (`sort_title_asc`), its msgstr the
text in that language; `{name}` placeholders are filled by `search_api.i18n.translate`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def catalogue_path(lang: str) -> Path:
    """Where the .po file of `lang` lives."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


def read_catalogue(lang: str) -> dict[str, str]:
    """key -> text of one language's catalogue (entries without a translation are left out)."""
    with catalogue_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string}


def load_catalogues(langs: Iterable[str]) -> dict[str, dict[str, str]]:
    """key -> {lang: text} over every language's catalogue."""
    out: dict[str, dict[str, str]] = {}
    for lang in langs:
        for key, text in read_catalogue(lang).items():
            out.setdefault(key, {})[lang] = text
    return out
