"""What only the Elasticsearch backend has: the versioned index behind an alias, `rebuild` without downtime,
schema checks, page hits on long documents, outage errors. Runs on the real node from RECORDS_TEST_ES_URL
(scripts/services.sh); the behaviour shared with tantivy is in the index contract suite.
"""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Iterator

import pytest

from conftest import need
from documents.errors import TransientBackendError
from index.base import Access, IndexCorrupt, IndexDoc, IndexedPage, SearchRequest
from settings import Settings


def es_url() -> str:
    return need("RECORDS_TEST_ES_URL")


@pytest.fixture
def name() -> Iterator[str]:
    """A fresh alias name; every `<name>-v*` index is deleted afterwards."""
    from elasticsearch import Elasticsearch

    alias = f"records-test-{uuid.uuid4().hex[:10]}"
    yield alias
    with Elasticsearch(es_url()) as client:
        client.indices.delete(index=f"{alias}*", ignore_unavailable=True, allow_no_indices=True)


@pytest.fixture
def es(name: str):
    from index.elastic import ElasticIndex

    index = ElasticIndex.from_settings(Settings(es_url=es_url(), es_index=name))
    yield index
    index.close()


def doc(doc_id: str, pages: list[str], agency: str = "a", visibility: str = "public", **kw) -> IndexDoc:
    fields = dict(
        id=doc_id, agency=agency, visibility=visibility, shared_with=[], title=f"Document {doc_id}",
        doc_type="decision", doc_number=None, issued_date="2024-03-01", language="vie", issuing_body=None,
        dossier=None, dossier_title=None, tags=[], created_at="2024-03-02T08:00:00Z",
        pages=[IndexedPage(i + 1, t) for i, t in enumerate(pages)],
    )
    fields.update(kw)
    return IndexDoc(**fields)


def ids(es, query: str) -> list[str]:
    return [h.id for h in es.search(SearchRequest(query=query, access=Access(None, all_agencies=True))).hits]


def aliased(es) -> dict[str, bool]:
    return es._versions()


def test_data_lives_in_a_versioned_index_behind_the_alias(es, name: str) -> None:
    es.upsert([doc("d1", ["quyết định"])])
    assert aliased(es) == {f"{name}-v1": True}
    assert es.count() == 1


def test_rebuild_swaps_the_alias_while_searches_keep_answering(es, name: str) -> None:
    es.upsert([doc(f"old{i}", ["bản cũ", "giấy phép xây dựng"]) for i in range(3)])
    errors: list[BaseException] = []
    totals: list[int] = []
    stop = threading.Event()

    def search_all_the_time() -> None:
        while not stop.is_set():
            try:
                totals.append(es.search(SearchRequest(query="giấy phép", access=Access(None, True))).total)
            except BaseException as exc:
                errors.append(exc)

    reader = threading.Thread(target=search_all_the_time)
    reader.start()
    try:
        loaded = es.rebuild(doc(f"new{i}", ["giấy phép xây dựng", f"trang {i}"]) for i in range(300))
    finally:
        stop.set()
        reader.join()
    assert loaded == 300
    assert not errors, errors[:3]
    assert totals and set(totals) <= {3, 300}, "a search saw an empty or half-built index"
    assert aliased(es) == {f"{name}-v2": True}, "the old index must be gone and the alias on the new one"
    assert es.count() == 300
    assert es.get("old0") is None and es.get("new7") is not None


def test_a_failed_rebuild_leaves_the_old_index_in_service(es, name: str) -> None:
    es.upsert([doc("keep", ["hồ sơ đất đai"])])

    def docs() -> Iterator[IndexDoc]:
        yield doc("n1", ["mới"])
        yield doc("n2", ["mới"], visibility="secret")  # refused: not a visibility

    with pytest.raises(ValueError, match="visibility"):
        es.rebuild(docs())
    assert aliased(es) == {f"{name}-v1": True}
    assert ids(es, "đất đai") == ["keep"]


def test_clear_empties_through_a_new_index(es, name: str) -> None:
    es.upsert([doc("x", ["một"]), doc("y", ["hai"])])
    es.clear()
    assert es.count() == 0
    assert aliased(es) == {f"{name}-v2": True}
    es.upsert([doc("z", ["ba"])])
    assert ids(es, "ba") == ["z"]


def test_pages_of_a_long_document_are_all_found(es) -> None:
    pages = ["trang trống"] * 400
    for n in (7, 150, 399):
        pages[n - 1] = f"trang {n}: Nguyễn Đức Thanh ký"
    es.upsert([doc("long", pages)])
    hit = es.search(SearchRequest(query="Nguyen Duc Thanh", access=Access(None, True))).hits[0]
    assert hit.pages == [7, 150, 399]
    assert len(hit.highlights) == 3
    assert all("<mark>Nguyễn</mark>" in h for h in hit.highlights)


def test_an_index_from_another_schema_is_reported(es, name: str) -> None:
    from index.elastic import MAPPING

    mapping = {**MAPPING, "_meta": {"records_schema": 0}}
    es.client.indices.create(index=f"{name}-v1", mappings=mapping, aliases={name: {}})
    with pytest.raises(IndexCorrupt, match="records reindex"):
        es.count()
    assert es.rebuild([doc("fresh", ["mới"])]) == 1  # the way out the message names
    assert es.count() == 1


def test_a_plain_index_with_the_alias_name_is_reported(es, name: str) -> None:
    es.client.indices.create(index=name)
    with pytest.raises(IndexCorrupt, match="not an alias"):
        es.count()


def test_an_unreachable_node_is_a_transient_error() -> None:
    from index.elastic import ElasticIndex

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    index = ElasticIndex.from_settings(Settings(es_url=f"http://127.0.0.1:{port}", es_index="records"))
    with pytest.raises(TransientBackendError, match="unreachable"):
        index.count()
    with pytest.raises(TransientBackendError):
        index.upsert([doc("x", ["a"])])
    index.close()
    index.close()


def test_processes_starting_at_once_share_one_index_behind_the_alias(name: str) -> None:
    """Several workers writing to a fresh cluster at the same moment must not create two write indices."""
    from elasticsearch import Elasticsearch

    from index.elastic import ElasticIndex

    indexes = [ElasticIndex.from_settings(Settings(es_url=es_url(), es_index=name)) for _ in range(4)]
    barrier, errors = threading.Barrier(len(indexes)), []

    def first_write(i: int) -> None:
        barrier.wait()
        try:
            indexes[i].upsert([doc(f"d{i}", [f"page of worker {i}"])])
        except Exception as exc:  # collected: the assertion below names them
            errors.append(repr(exc))

    threads = [threading.Thread(target=first_write, args=(i,)) for i in range(len(indexes))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with Elasticsearch(es_url()) as client:
        assert list(client.indices.get_alias(name=name).body) == [f"{name}-v1"]
    assert errors == []
    assert indexes[0].count() == 4
    for index in indexes:
        index.close()
