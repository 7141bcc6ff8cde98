"""The archival PDF: a document's searchable PDF made PDF/A-2b.

PDF/A-2b asks for device-independent colour (an sRGB output intent with its ICC profile embedded), XMP metadata
that declares the conformance and agrees with the document information, a file identifier, embedded fonts
and no encryption, JavaScript, transparency groups without a colour space or unmarked annotations. The searchable
PDFs hold page images with Tesseract's embedded glyphless font (invisible text), or pages copied from born-digital
PDFs, so a post-process (pikepdf) is enough and the page content is never rewritten. The export validates nothing
itself: tests run veraPDF over the PDFs it writes (scripts/verapdf.sh).
"""

from __future__ import annotations

import io
from functools import lru_cache

import pikepdf
from pikepdf import Dictionary, Name

from documents.errors import ProcessingFailed


@lru_cache(maxsize=1)
def srgb_profile() -> bytes:
    """An sRGB IEC 61966-2.1 ICC profile (Little CMS's built-in, through Pillow)."""
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def to_pdfa(pdf: bytes, *, title: str | None = None, language: str | None = None,
            author: str | None = None) -> bytes:
    """`pdf` as PDF/A-2b (raises ProcessingFailed for a PDF that cannot be read)."""
    try:
        doc = pikepdf.open(io.BytesIO(pdf))
    except (pikepdf.PdfError, ValueError) as exc:
        raise ProcessingFailed(f"the searchable PDF cannot be read, so no archival PDF was made: {exc}") from exc
    with doc:
        root = doc.Root
        for key in ("/OpenAction", "/AA"):
            if key in root:
                del root[key]
        if "/Names" in root and "/JavaScript" in root.Names:
            del root.Names["/JavaScript"]
        icc = pikepdf.Stream(doc, srgb_profile())
        icc.N = 3
        icc.Alternate = Name.DeviceRGB
        root.OutputIntents = pikepdf.Array([Dictionary(
            Type=Name.OutputIntent, S=Name.GTS_PDFA1, OutputConditionIdentifier="sRGB IEC61966-2.1",
            Info="sRGB IEC61966-2.1", RegistryName="http://www.color.org", DestOutputProfile=icc)])
        for page in doc.pages:
            _clean_page(page)
        if language:
            root.Lang = pikepdf.String(_bcp47(language))
        if "/Info" in doc.trailer:
            info = doc.trailer.Info
            for key in list(info.keys()):
                if key not in ("/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/Producer",
                               "/CreationDate", "/ModDate"):
                    del info[key]
        with doc.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["pdfaid:part"] = "2"
            meta["pdfaid:conformance"] = "B"
            if title:
                meta["dc:title"] = title
            if author:
                meta["dc:creator"] = [author]
            meta["xmp:CreatorTool"] = "Records"
        out = io.BytesIO()
        # Object streams and cross-reference streams are allowed in PDF/A-2; a file identifier is required.
        doc.save(out, fix_metadata_version=True, deterministic_id=True)
    return out.getvalue()


def _clean_page(page) -> None:
    """Remove what PDF/A-2 forbids on a page: page-level actions, transparency groups without a colour space,
    and annotations that would not print."""
    obj = page.obj
    if "/AA" in obj:
        del obj["/AA"]
    group = obj.get("/Group")
    if group is not None and group.get("/S") == Name.Transparency and "/CS" not in group:
        group.CS = Name.DeviceRGB
    for annot in obj.get("/Annots", []):
        flags = int(annot.get("/F", 0))
        annot.F = (flags | 4) & ~(1 | 2 | 32)  # Print on; Invisible, Hidden, NoView off


def _bcp47(code: str) -> str:
    """Tesseract language code -> BCP 47 tag."""
    return {"vie": "vi", "eng": "en", "fra": "fr", "urd": "ur", "ara": "ar"}.get(code, code)

