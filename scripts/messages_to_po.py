"""Write every UI message Records knows into the gettext catalogues, one per language:
search_api/locale/{vi,en}/LC_MESSAGES/messages.po (msgid = the message key, msgstr = the text).

The .po files are the source of the UI's strings; `search_api.i18n` reads them at start. Run this after merging code
that still adds messages as a Python dict (`MESSAGES.update({...})` in a search_api/i18n_*.py module): it keeps
every entry already in the catalogues, adds the dict's, and the dict module can then be deleted.

    .venv/bin/python scripts/messages_to_po.py
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from babel.messages.catalog import Catalog  # noqa: E402
from babel.messages.pofile import write_po  # noqa: E402

from search_api.catalogues import LOCALE_DIR  # noqa: E402
from search_api.i18n import LANGS, MESSAGES  # noqa: E402


def write_catalogue(lang: str, messages: dict[str, dict[str, str]]) -> Path:
    """The .po file of `lang` from `messages` (key -> {lang: text}); the Vietnamese one notes the English text."""
    fixed = datetime(2026, 12, 1, tzinfo=UTC)  # no date churn in the diff each time the file is written
    catalog = Catalog(locale=lang, project="Records", version="1", charset="utf-8", fuzzy=False,
                      header_comment=f"# Records web UI messages, {lang}. msgid = the message key used by the code\n"
                                     "# (translate(key, lang)); msgstr = the text; keep {placeholders} as they are.",
                      msgid_bugs_address="", copyright_holder="", last_translator="Records maintainers",
                      language_team=f"Records {lang}", creation_date=fixed, revision_date=fixed)
    for key in sorted(messages):
        text = messages[key].get(lang) or ""
        comments = [f"en: {messages[key].get('en', '')}"] if lang != "en" else []
        catalog.add(key, string=text, auto_comments=comments)
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        write_po(out, catalog, width=120, omit_header=False, sort_output=True)
    return path


def main() -> int:
    missing = sorted(k for k, v in MESSAGES.items() for lang in LANGS if not v.get(lang))
    for lang in LANGS:
        print(write_catalogue(lang, MESSAGES))
    if missing:
        print("without a translation (fill in the .po):", ", ".join(missing), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
