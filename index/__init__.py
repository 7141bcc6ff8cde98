"""Search index: the interface (`index.base`), text folding, the query language and the backends.

`open_index(settings)` picks the backend from configuration: Elasticsearch when `RECORDS_ES_URL` is set,
otherwise the embedded tantivy index under `RECORDS_HOME/index`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from index.base import (
    Access,
    Hit,
    IndexCorrupt,
    IndexDoc,
    IndexedPage,
    SearchIndex,
    SearchRequest,
    SearchResult,
    is_visible,
)

if TYPE_CHECKING:
    from settings import Settings

__all__ = [
    "Access",
    "Hit",
    "IndexCorrupt",
    "IndexDoc",
    "IndexedPage",
    "SearchIndex",
    "SearchRequest",
    "SearchResult",
    "is_visible",
    "open_index",
]


def open_index(settings: Settings, *, rebuild: bool = False) -> SearchIndex:
    """The configured search index backend (imports are lazy so the embedded mode needs no ES client).

    `rebuild=True` (for `records reindex`) starts from an empty index, discarding an old, incompatible or corrupt
    one instead of raising `IndexCorrupt`.
    """
    if settings.es_url:
        from index.elastic import ElasticIndex

        es = ElasticIndex.from_settings(settings)
        if rebuild:
            es.clear()
        return es
    from index.tantivy_index import TantivyIndex

    return TantivyIndex(settings.home / "index", rebuild=rebuild)
