"""Intake: inputs (files, folders, zip archives) become stored originals and ledger entries."""
