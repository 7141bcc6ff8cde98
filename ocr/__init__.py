"""Page OCR: load or rasterize a page, clean it with OpenCV, read it with Tesseract (or keep a PDF text layer)."""

from ocr.language import detect_language
from ocr.models import PageOutput
from ocr.pdfs import merge_pdfs
from ocr.pipeline import process_page
from ocr.sources import count_pages

__all__ = ["PageOutput", "count_pages", "detect_language", "merge_pdfs", "process_page"]
