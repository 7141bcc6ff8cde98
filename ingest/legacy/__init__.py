"""`records import`: bulk import of legacy archives (a folder tree or a zip) with a metadata manifest.

Modules, each with one job:
- `paths`: relative paths as the manifest and the folder walk both spell them.
- `fields`: one manifest row's values, normalised and validated.
- `manifest`: stream a CSV / JSON Lines manifest row by row.
- `journal`: the per-import SQLite journal (manifest rows, every file's state, dossiers) that makes imports resumable.
- `dossiers`: dossier ids and their `dossiers/<id>.json` objects.
- `validate`: the `--dry-run` check of manifest and files.
- `importer`: drives `accept_file` and the queue, writing every state change to the journal.
- `report`: the final report (CSV or JSON), streamed from the journal.
"""

from ingest.legacy.importer import ImportOptions, ImportSummary, run_import
from ingest.legacy.validate import ValidationReport, dry_run

__all__ = ["ImportOptions", "ImportSummary", "ValidationReport", "dry_run", "run_import"]
