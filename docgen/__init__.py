"""Synthetic records with known metadata: the generated metadata test set and the demo set (docs/testset.md)."""
