"""Metadata extraction from page text: title, kind, number, dates, issuing body, language."""

from metadata.bundles import document_starts
from metadata.extract import extract_metadata
from metadata.language import detect_language

__all__ = ["detect_language", "document_starts", "extract_metadata"]
