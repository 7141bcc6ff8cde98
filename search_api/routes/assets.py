"""Assets the UI needs that come from packages, served by the app itself so nothing loads from outside it:
fonts for Vietnamese, Arabic (Naskh) and Urdu (Nastaliq) from Debian's `fonts-noto-core`, and the favicon."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from search_api.errors import not_found

router = APIRouter(include_in_schema=False)

STATIC = Path(__file__).resolve().parent.parent / "static"
# Debian's fonts-noto-core (installed by scripts/install.sh); RECORDS_FONTS_DIR points elsewhere if needed.
FONTS_DIR = Path(os.environ.get("RECORDS_FONTS_DIR", "/usr/share/fonts/truetype/noto"))
# Only these files are served: a URL can never name another path.
FONTS = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf",
         "NotoNastaliqUrdu-Regular.ttf", "NotoNastaliqUrdu-Bold.ttf")
_YEAR = "public, max-age=31536000, immutable"


@router.get("/fonts/{name}")
def font(name: str) -> Response:
    """One of the UI's fonts (cached for a year: font files never change under the same name)."""
    path = FONTS_DIR / name
    if name not in FONTS or not path.is_file():
        raise not_found("font")
    return FileResponse(path, media_type="font/ttf", headers={"Cache-Control": _YEAR})


@router.get("/favicon.ico")
def favicon() -> Response:
    """The tab icon browsers ask for on every site."""
    return FileResponse(STATIC / "favicon.ico", media_type="image/x-icon",
                        headers={"Cache-Control": "public, max-age=86400"})
