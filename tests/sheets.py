"""Large sheets made of sample scans: several letters scanned side by side on one page."""

from __future__ import annotations

from pathlib import Path


def sheet_copy(scan: Path, dest: Path, across: int = 3, down: int = 1) -> Path:
    """`dest`: a TIFF of `scan` with each page repeated `across` times side by side and `down` times one below the
    other, as a large sheet of letters scanned in one go, at the scan's resolution. Reading such a page takes about
    `across * down` times as long as the original's (3.7 s for a 300-dpi letter tripled, against 1.2 s): tests that
    need a page still being read after a second use one, since one letter may be read in under a second."""
    from PIL import Image, ImageSequence

    with Image.open(scan) as image:
        dpi = image.info.get("dpi", (300, 300))
        pages = []
        for frame in ImageSequence.Iterator(image):
            page = frame.convert("1") if frame.mode == "1" else frame.convert("L")
            sheet = Image.new(page.mode, (page.width * across, page.height * down), 255)
            for column in range(across):
                for row in range(down):
                    sheet.paste(page, (column * page.width, row * page.height))
            pages.append(sheet)
    compression = "group4" if pages[0].mode == "1" else "tiff_lzw"
    pages[0].save(dest, save_all=True, append_images=pages[1:], compression=compression, dpi=dpi)
    return dest
