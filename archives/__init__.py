"""The archival lifecycle (Law on Archives 2024, Circular 05/2025/TT-BNV): fonds -> dossier -> document, retention
schedules, legal holds, two-admin disposition with a kept destruction record, BagIt + METS + PREMIS transfer
packages, PDF/A archival PDFs and stamped user copies.

Every record lives in the object store (the system of record), so the embedded and the distributed mode see the
same fonds, dossiers, schedules, proposals and destruction records; the search index stays derived data.
"""
