"""The value one page of OCR yields: text, word boxes, derivatives (cleaned PNG, thumbnail, searchable PDF)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PageOutput:
    """Everything the pipeline stores and indexes for one page. Picklable (crosses process boundaries)."""

    number: int  # 1-based
    method: str  # "ocr" or "text_layer"
    lang: str  # tesseract languages used, e.g. "vie+eng"; "" for text_layer
    language: str  # best single language of the page: vie, eng, urd or ara
    script: str  # "Latin" or "Arabic"
    text: str  # reading order, one line per text line; Arabic/Urdu in logical order
    # text, left, top, width, height, conf in cleaned-page pixels; OCR pages also line (text line, reading order)
    words: list[dict] = field(default_factory=list)
    confidence: float | None = None  # mean word confidence (OCR pages), None for text_layer
    width: int = 0
    height: int = 0
    rotation: int = 0  # 0/90/180/270 applied (clockwise turn that made the page upright)
    skew: float = 0.0  # degrees corrected
    png: bytes = b""
    thumb: bytes = b""
    pdf: bytes = b""
    seconds: float = 0.0
    quality: dict = field(default_factory=dict)  # ocr/quality.py measurements (OCR'd pages)
    # How the OCR models were chosen (ocr/choose.py): langs, how, what they were weighed against, margin, scores.
    language_choice: dict = field(default_factory=dict)
