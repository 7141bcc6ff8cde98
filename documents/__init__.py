"""The document model shared by every stage: manifest, metadata, page results, errors."""
