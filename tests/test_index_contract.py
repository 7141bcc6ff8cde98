"""The search index contract: every backend behind `index.base.SearchIndex` must pass this suite.

The `search_index` fixture is parametrised over backends: the embedded tantivy index always, and Elasticsearch
when RECORDS_TEST_ES_URL points at a real node (scripts/services.sh) — see `BACKENDS` below.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.base import Access, IndexDoc, IndexedPage, SearchIndex, SearchRequest, SearchResult


def _tantivy(tmp_path: Path) -> Iterator[SearchIndex]:
    from index.tantivy_index import TantivyIndex

    idx = TantivyIndex(tmp_path / "index")
    yield idx
    idx.close()


def _elastic(tmp_path: Path) -> Iterator[SearchIndex]:
    from elasticsearch import Elasticsearch

    from index.elastic import ElasticIndex
    from settings import Settings

    url = os.environ.get("RECORDS_TEST_ES_URL")
    if not url:  # only reached in CI, where the node must be running
        pytest.fail('RECORDS_TEST_ES_URL is not set: start the servers (eval "$(scripts/services.sh env)")')
    name = f"records-contract-{uuid.uuid4().hex[:10]}"
    idx = ElasticIndex.from_settings(Settings(es_url=url, es_index=name))
    yield idx
    idx.close()
    with Elasticsearch(url) as client:
        client.indices.delete(index=f"{name}*", ignore_unavailable=True, allow_no_indices=True)


# Backend name -> factory (a generator yielding a fresh, empty index). Elasticsearch joins the suite when a real
# node is configured, and always in CI (CI=true), where a missing node fails the elastic tests; the suite never
# skips a backend it runs.
BACKENDS = {"tantivy": _tantivy}
if os.environ.get("RECORDS_TEST_ES_URL") or os.environ.get("CI", "").lower() == "true":
    BACKENDS["elastic"] = _elastic


@pytest.fixture(params=sorted(BACKENDS))
def search_index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchIndex]:
    """A fresh, empty index of each backend."""
    yield from BACKENDS[request.param](tmp_path)


def doc(doc_id: str, pages: str | list[str], agency: str = "A", visibility: str = "private", **kw) -> IndexDoc:
    """An IndexDoc with sensible defaults; `pages` is one text or a list of page texts."""
    texts = [pages] if isinstance(pages, str) else pages
    fields = dict(
        id=doc_id,
        agency=agency,
        visibility=visibility,
        shared_with=[],
        title=None,
        doc_type="decision",
        doc_number=None,
        issued_date="2024-03-01",
        language="vie",
        issuing_body=None,
        dossier=None,
        dossier_title=None,
        tags=[],
        created_at="2024-03-02T08:00:00Z",
        pages=[IndexedPage(i + 1, t) for i, t in enumerate(texts)],
    )
    fields.update(kw)
    return IndexDoc(**fields)


ADMIN = Access(None, all_agencies=True)


def find(idx: SearchIndex, query: str, access: Access = ADMIN, **kw) -> SearchResult:
    return idx.search(SearchRequest(query, access, **kw))


def ids(result: SearchResult) -> list[str]:
    return [h.id for h in result.hits]


# ---------------------------------------------------------------- writing


def test_upsert_is_idempotent_and_replaces_by_id(search_index: SearchIndex) -> None:
    d = doc("d1", "quyết định phê duyệt kế hoạch")
    search_index.upsert([d])
    search_index.upsert([d])
    search_index.upsert([d, d])
    assert search_index.count() == 1
    assert ids(find(search_index, "kế hoạch")) == ["d1"]

    search_index.upsert([doc("d1", "báo cáo tổng kết năm")])
    assert search_index.count() == 1
    assert find(search_index, "hoạch").total == 0
    assert ids(find(search_index, "tổng kết")) == ["d1"]


def test_get_returns_the_indexed_document_with_its_pages(search_index: SearchIndex) -> None:
    d = doc(
        "d1",
        ["trang một", "trang hai"],
        title="Quyết định 12",
        shared_with=["B"],
        visibility="shared",
        tags=["đất đai"],
        dossier="HS-1",
        doc_number="12/QĐ-UBND",
    )
    search_index.upsert([d])
    assert search_index.get("d1") == d
    assert search_index.get("missing") is None


def test_delete_and_clear(search_index: SearchIndex) -> None:
    search_index.upsert([doc("d1", "alpha beta"), doc("d2", ["alpha", "gamma"])])
    search_index.delete(["d2", "no-such-id"])
    assert search_index.count() == 1
    assert ids(find(search_index, "alpha")) == ["d1"]
    assert find(search_index, "gamma").total == 0
    assert search_index.get("d2") is None
    search_index.clear()
    assert search_index.count() == 0
    assert find(search_index, "").total == 0


def test_rejects_an_unknown_visibility(search_index: SearchIndex) -> None:
    with pytest.raises(ValueError, match="visibility"):
        search_index.upsert([doc("d1", "x", visibility="everyone")])
    assert search_index.count() == 0


# ---------------------------------------------------------------- folding


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Ông Nguyễn Đức Thanh ký", "Nguyen Duc Thanh"),
        ("Ông Nguyễn Đức Thanh ký", "nguyễn đức thanh"),
        ("Ông NGUYỄN ĐỨC THANH ký", "Nguyễn Đức Thanh"),
        ("Ông Nguyen Duc Thanh ky", "Nguyễn Đức Thanh"),
        ("Bà Đặng Thị Đào", "dang thi dao"),
        ("Nguye\u0302\u0303n decomposed", "Nguyễn"),  # NFD input
        ("علي", "علی"),  # yeh / farsi yeh
        ("مستشفى", "مستشفي"),  # alef maksura / yeh
        ("كتاب", "کتاب"),  # kaf / keheh
        ("مدرسة", "مدرسہ"),  # teh marbuta / heh goal
        ("مدرسۃ", "مدرسه"),  # teh marbuta goal / heh
        ("أحمد", "احمد"),
        ("إسلام", "اسلام"),
        ("آباد", "اباد"),
        ("كتــــاب", "كتاب"),  # tatweel
        ("كِتَابٌ", "كتاب"),  # harakat
        ("سنة ۲۰۲۳", "2023"),
        ("سنة ٢٠٢٣", "۲۰۲۳"),
        ("year 2023", "٢٠٢٣"),
    ],
)
def test_folded_forms_match(search_index: SearchIndex, text: str, query: str) -> None:
    search_index.upsert([doc("hit", text), doc("other", "không liên quan gì cả")])
    assert ids(find(search_index, query)) == ["hit"]


def test_exact_tone_match_ranks_first(search_index: SearchIndex) -> None:
    search_index.upsert(
        [
            doc("plain", "Người ký: Nguyen Duc Thanh, chức vụ giám đốc"),
            doc("exact", "Người ký: Nguyễn Đức Thanh, chức vụ giám đốc"),
            doc("tones", "Người ký: Nguyễn Đúc Thành, chức vụ giám đốc"),
        ]
    )
    toned = find(search_index, "Nguyễn Đức Thanh")
    assert ids(toned)[0] == "exact"
    assert set(ids(toned)) == {"plain", "exact", "tones"}
    assert ids(find(search_index, "Nguyen Duc Thanh"))[0] == "plain"
    assert ids(find(search_index, "Nguyễn Đúc Thành"))[0] == "tones"


def test_title_and_number_are_boosted(search_index: SearchIndex) -> None:
    search_index.upsert(
        [
            doc("body", "văn bản này nhắc đến quy hoạch một lần trong nội dung dài dòng"),
            doc("title", "văn bản khác hoàn toàn không có từ đó trong nội dung dài dòng", title="Quy hoạch đô thị"),
            doc("number", "công văn về việc khác", doc_number="45/2023/NĐ-CP"),
        ]
    )
    assert ids(find(search_index, "quy hoạch"))[0] == "title"
    assert ids(find(search_index, "45/2023/NĐ-CP")) == ["number"]
    assert ids(find(search_index, "45/2023/nd-cp")) == ["number"]


# ---------------------------------------------------------------- query language


@pytest.fixture
def corpus(search_index: SearchIndex) -> SearchIndex:
    search_index.upsert(
        [
            doc("qd", "quyết định phê duyệt quy hoạch đất đai"),
            doc("split", "định hướng và quyết tâm phê duyệt"),
            doc("bc", "báo cáo tình hình đất đai năm 2023"),
            doc("en", "land registration permit approved"),
            doc("en2", "registered land certificate"),
        ]
    )
    return search_index


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"quyết định"', {"qd"}),
        ('"quyet dinh"', {"qd"}),
        ("quyết định", {"qd", "split"}),
        ("quyết AND định", {"qd", "split"}),
        ("đất đai", {"qd", "bc"}),
        ("quyết OR báo", {"qd", "split", "bc"}),
        ("phê duyệt NOT quy", {"split"}),
        ("phê duyệt -quy", {"split"}),
        ("phê -hoạch", {"split"}),
        ("-đất", {"split", "en", "en2"}),
        ("(quyết OR báo) AND đất", {"qd", "bc"}),
        ("regist*", {"en", "en2"}),
        ("REGIST*", {"en", "en2"}),
        ("quyê*", {"qd", "split"}),
        ("quye*", {"qd", "split"}),
        ('"land regist*"', {"en"}),
        ("land permit", {"en"}),
        ("land OR nothing", {"en", "en2"}),
        ("certificate -land", set()),
        ("nothingatall", set()),
    ],
)
def test_query_language(corpus: SearchIndex, query: str, expected: set[str]) -> None:
    result = find(corpus, query)
    assert set(ids(result)) == expected
    assert result.total == len(expected)


@pytest.mark.parametrize(
    "query",
    [
        "agency:B",
        "agency:B OR agency:C",
        "visibility:public",
        "*:*",
        "*",
        "id:*",
        "((",
        "))",
        '"unbalanced',
        "secret) OR (agency:B",
        "secret AND (agency:C OR visibility:shared",
        "AND OR NOT",
        "NOT",
        "-",
        "\\",
        '{"query": {"match_all": {}}}',
        "title:secret^10",
        "secret~2",
        "secret OR *",
        "a:b:c:d",
        "<script>alert(1)</script>",
        "x" * 5000,
        "(" * 500 + "secret" + ")" * 3,
    ],
)
def test_injection_never_errors_or_widens_access(search_index: SearchIndex, query: str) -> None:
    search_index.upsert(
        [
            doc("a", "secret agency visibility public id title", agency="A"),
            doc("b", "secret agency visibility public id title", agency="B"),
            doc("c", "secret agency visibility shared id title", agency="C", visibility="shared", shared_with=["B"]),
        ]
    )
    result = find(search_index, query, Access("A"))
    assert set(ids(result)) <= {"a"}
    assert result.total == len(result.hits)
    assert set(result.facets.get("agency", {})) <= {"A"}


# ---------------------------------------------------------------- access control


@pytest.fixture
def acl_corpus(search_index: SearchIndex) -> SearchIndex:
    word = "hồ sơ mật"
    search_index.upsert(
        [
            doc("a-private", word, agency="A"),
            doc("b-private", word, agency="B", doc_type="report"),
            doc("b-shared-a", word, agency="B", visibility="shared", shared_with=["A"], language="eng"),
            doc("c-shared-b", word, agency="C", visibility="shared", shared_with=["B"], dossier="HS-9"),
            doc("c-public", word, agency="C", visibility="public", issued_date="2019-01-01"),
            doc("c-private-lists-a", word, agency="C", shared_with=["A"]),  # private: shared_with is ignored
        ]
    )
    return search_index


VISIBLE = {
    "A": {"a-private", "b-shared-a", "c-public"},
    "B": {"b-private", "b-shared-a", "c-shared-b", "c-public"},
    "C": {"c-shared-b", "c-public", "c-private-lists-a"},
    None: {"c-public"},
}


@pytest.mark.parametrize("agency", ["A", "B", "C", None])
@pytest.mark.parametrize("query", ["hồ sơ", "", "-nothing", "mật OR agency"])
def test_acl_zero_leaks_in_hits_totals_and_facets(acl_corpus: SearchIndex, agency: str | None, query: str) -> None:
    visible = VISIBLE[agency]
    docs = {d: acl_corpus.get(d) for d in visible}
    result = find(acl_corpus, query, Access(agency), limit=100)
    assert set(ids(result)) == visible
    assert result.total == len(visible)
    assert result.facets["agency"] == {
        a: sum(1 for d in docs.values() if d.agency == a) for a in {d.agency for d in docs.values()}
    }
    assert sum(result.facets["doc_type"].values()) == len(visible)
    assert sum(result.facets["language"].values()) == len(visible)
    assert sum(result.facets["year"].values()) == len(visible)
    assert result.facets["dossier"] == ({"HS-9": 1} if "c-shared-b" in visible else {})


def test_acl_filters_cannot_widen(acl_corpus: SearchIndex) -> None:
    assert set(ids(find(acl_corpus, "", Access("A"), agency="B"))) == {"b-shared-a"}
    assert set(ids(find(acl_corpus, "", Access("A"), agency="C"))) == {"c-public"}
    assert ids(find(acl_corpus, "", Access("A"), dossier="HS-9")) == []
    assert ids(find(acl_corpus, "", Access("A"), doc_type="report")) == []


def test_all_agencies_sees_everything(acl_corpus: SearchIndex) -> None:
    result = find(acl_corpus, "hồ sơ", ADMIN, limit=100)
    assert result.total == 6
    assert result.facets["agency"] == {"A": 1, "B": 2, "C": 3}


# ---------------------------------------------------------------- filters, facets, sorting, pagination


@pytest.fixture
def catalog(search_index: SearchIndex) -> SearchIndex:
    docs = []
    for i in range(25):
        docs.append(
            doc(
                f"d{i:02d}",
                f"thông báo số {i} về đất đai",
                agency="A" if i % 2 else "B",
                visibility="public",
                doc_type=("notice", "decision", "report")[i % 3],
                language=("vie", "eng")[i % 2],
                issued_date=f"{2000 + i}-06-15",
                dossier="HS-1" if i < 5 else None,
            )
        )
    search_index.upsert(docs)
    return search_index


def test_filters(catalog: SearchIndex) -> None:
    assert find(catalog, "đất", agency="A").total == 12
    assert find(catalog, "đất", doc_type="report").total == 8
    assert find(catalog, "đất", language="eng").total == 12
    assert find(catalog, "đất", dossier="HS-1").total == 5
    ranged = find(catalog, "đất", date_from="2010-06-15", date_to="2012-06-15", limit=50)
    assert set(ids(ranged)) == {"d10", "d11", "d12"}
    assert find(catalog, "", date_from="2020-01-01").total == 5
    assert find(catalog, "", date_to="2000-12-31").total == 1
    combined = find(catalog, "đất", agency="A", doc_type="decision", date_from="2010-01-01")
    assert set(ids(combined)) == {"d13", "d19"}


def test_facets_count_filtered_hits(catalog: SearchIndex) -> None:
    result = find(catalog, "đất", agency="A", limit=1)
    assert result.total == 12
    assert result.facets["agency"] == {"A": 12}
    assert result.facets["doc_type"] == {"notice": 4, "decision": 4, "report": 4}
    assert result.facets["language"] == {"eng": 12}
    assert result.facets["year"] == {str(2000 + i): 1 for i in range(1, 25, 2)}
    assert result.facets["dossier"] == {"HS-1": 2}


def test_pagination_covers_every_hit_once(catalog: SearchIndex) -> None:
    pages = [find(catalog, "thông báo", limit=10, offset=o) for o in (0, 10, 20, 30)]
    assert [p.total for p in pages] == [25, 25, 25, 25]
    assert [len(p.hits) for p in pages] == [10, 10, 5, 0]
    seen = [i for p in pages for i in ids(p)]
    assert sorted(seen) == [f"d{i:02d}" for i in range(25)]


def test_limit_zero_counts_only(catalog: SearchIndex) -> None:
    result = find(catalog, "đất", limit=0, agency="A")
    assert (result.total, result.hits, result.facets["agency"]) == (12, [], {"A": 12})


def test_sort_by_date_and_empty_query_lists_newest_first(catalog: SearchIndex) -> None:
    newest = [f"d{i:02d}" for i in range(24, -1, -1)]
    assert ids(find(catalog, "", limit=25)) == newest
    assert ids(find(catalog, "đất", sort="date_desc", limit=25)) == newest
    assert ids(find(catalog, "đất", sort="date_asc", limit=25)) == newest[::-1]
    paged = [i for o in (0, 7, 14, 21) for i in ids(find(catalog, "", sort="date_asc", limit=7, offset=o))]
    assert paged == newest[::-1]


def test_several_values_of_one_filter_are_ored(catalog: SearchIndex) -> None:
    """A multi-select facet: values of one filter widen (OR), different filters narrow (AND)."""
    assert find(catalog, "đất", doc_type=["report", "notice"]).total == 17
    assert find(catalog, "đất", doc_type=["report"]).total == 8
    both = find(catalog, "đất", doc_type=["report", "notice"], agency="A", limit=50)
    assert {h.doc_type for h in both.hits} == {"report", "notice"} and {h.agency for h in both.hits} == {"A"}
    assert both.total == 8
    assert find(catalog, "", language=["vie", "eng"], dossier=["HS-1", "none"]).total == 5


def test_sort_by_date_added_and_by_title(search_index: SearchIndex) -> None:
    search_index.upsert([
        doc("t1", "đất", title="Quyết định về đất", created_at="2024-05-03T09:00:00Z", issued_date="2020-01-01"),
        doc("t2", "đất", title="Báo cáo đất đai", created_at="2024-05-01T09:00:00Z", issued_date="2023-01-01"),
        doc("t3", "đất", title=None, created_at="2024-05-02T09:00:00Z", issued_date="2021-01-01"),
        doc("t4", "đất", title="công văn đất", created_at="2024-05-04T09:00:00Z", issued_date=None),
    ])
    assert ids(find(search_index, "đất", sort="added_desc")) == ["t4", "t1", "t3", "t2"]
    assert ids(find(search_index, "đất", sort="added_asc")) == ["t2", "t3", "t1", "t4"]
    # folded, case-blind A–Z (Báo < công < Quyết); a document without a title comes last
    assert ids(find(search_index, "đất", sort="title_asc")) == ["t2", "t4", "t1", "t3"]
    assert ids(find(search_index, "đất", sort="title_desc"))[:3] == ["t3", "t1", "t4"]
    paged = [i for o in (0, 2) for i in ids(find(search_index, "", sort="title_asc", limit=2, offset=o))]
    assert paged == ["t2", "t4", "t1", "t3"]
    # documents added after a moment (the new matches of a saved search since the user last looked)
    assert sorted(ids(find(search_index, "đất", added_after="2024-05-02T09:00:00+00:00"))) == ["t1", "t4"]
    assert find(search_index, "", added_after="2024-05-04T09:00:00Z").total == 0


def test_bad_requests_are_reported(search_index: SearchIndex) -> None:
    with pytest.raises(ValueError, match="date"):
        find(search_index, "x", date_from="last tuesday")
    with pytest.raises(ValueError, match="sort"):
        find(search_index, "x", sort="random")
    with pytest.raises(ValueError, match="narrow"):  # deep paging would cost memory proportional to the offset
        find(search_index, "x", offset=10**9)


# ---------------------------------------------------------------- highlights and pages


def test_highlights_mark_matches_and_escape_html(search_index: SearchIndex) -> None:
    search_index.upsert([doc("d1", "Ghi chú <script>alert('x')</script> của ông Nguyễn Đức Thanh & cộng sự")])
    hit = find(search_index, "nguyen thanh").hits[0]
    assert hit.highlights
    text = " ".join(hit.highlights)
    assert "<mark>Nguyễn</mark>" in text
    assert "<mark>Thanh</mark>" in text
    assert "<script>" not in text
    assert "&lt;script&gt;" in text
    assert "&amp;" in text


def test_highlights_for_arabic_variants_and_digits(search_index: SearchIndex) -> None:
    search_index.upsert([doc("d1", "کتاب رسمی سنة ۲۰۲۳ للمدرسة", language="urd")])
    text = " ".join(find(search_index, "كتاب 2023").hits[0].highlights)
    assert "<mark>کتاب</mark>" in text
    assert "<mark>۲۰۲۳</mark>" in text


def test_negated_words_are_not_highlighted(search_index: SearchIndex) -> None:
    search_index.upsert([doc("d1", "đất đai và quy hoạch")])
    text = " ".join(find(search_index, "đất -rừng").hits[0].highlights)
    assert "<mark>đất</mark>" in text
    search_index.upsert([doc("d2", "rừng phòng hộ")])
    assert "<mark>" not in " ".join(find(search_index, "rừng -đất").hits[0].highlights).replace("<mark>rừng</mark>", "")


def test_pages_list_every_page_the_query_matched(search_index: SearchIndex) -> None:
    search_index.upsert(
        [
            doc("long", ["mục lục", "Nguyễn Đức Thanh ký", "phụ lục", "người nhận: Nguyen Duc Thanh", "hết"]),
            doc("short", "Nguyễn Đức Thanh"),
        ]
    )
    by_id = {h.id: h for h in find(search_index, "Nguyen Duc Thanh").hits}
    assert by_id["long"].pages == [2, 4]
    assert by_id["short"].pages == [1]
    assert find(search_index, '"phụ lục"').hits[0].pages == [3]
    assert find(search_index, "mục OR hết").hits[0].pages == [1, 5]
    # A word of the query that is on no page (here: only in the title) locates no page.
    search_index.upsert([doc("titled", ["trang một", "trang hai"], title="Biên bản nghiệm thu")])
    hit = find(search_index, "nghiệm thu").hits[0]
    assert hit.id == "titled"
    assert hit.pages == []


def test_documents_match_across_pages_but_pages_are_per_page(search_index: SearchIndex) -> None:
    search_index.upsert([doc("d1", ["quyết định", "phê duyệt"])])
    hit = find(search_index, "quyết AND duyệt").hits[0]
    assert hit.pages == [1, 2]
    assert len(hit.highlights) == 2


def test_hit_carries_metadata(search_index: SearchIndex) -> None:
    search_index.upsert(
        [
            doc(
                "d1",
                "nội dung",
                title="Quyết định",
                doc_number="7/QĐ",
                dossier="HS-2",
                language="vie",
                issued_date="2021-02-03",
                doc_type="decision",
                agency="A",
            )
        ]
    )
    hit = find(search_index, "nội dung").hits[0]
    assert (
        hit.id,
        hit.title,
        hit.agency,
        hit.doc_type,
        hit.language,
        hit.issued_date,
        hit.doc_number,
        hit.dossier,
    ) == ("d1", "Quyết định", "A", "decision", "vie", "2021-02-03", "7/QĐ", "HS-2")
    assert hit.score > 0


def test_tags_are_a_facet_and_a_filter(search_index: SearchIndex) -> None:
    search_index.upsert([
        doc("t1", "giấy phép xây dựng", tags=["đất đai", "2024"]),
        doc("t2", "giấy phép kinh doanh", tags=["2024"]),
        doc("t3", "giấy phép khác", agency="B", tags=["đất đai"]),
    ])
    everything = find(search_index, "giấy phép", access=Access(agency=None, all_agencies=True))
    assert everything.facets["tags"] == {"2024": 2, "đất đai": 2}
    assert set(ids(find(search_index, "giấy phép", access=Access(agency=None, all_agencies=True),
                        tag="đất đai"))) == {"t1", "t3"}
    # the facet counts only what the caller may see
    own = find(search_index, "giấy phép", access=Access(agency="A"))
    assert own.facets["tags"] == {"2024": 2, "đất đai": 1}
    assert ids(find(search_index, "giấy phép", access=Access(agency="A"), tag="đất đai")) == ["t1"]
