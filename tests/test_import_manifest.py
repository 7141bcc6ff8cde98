"""Import manifest reading and row validation: formats, delimiters, BOM, line numbers, normalised values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from documents.errors import RejectedInput
from ingest.legacy.fields import parse_date, parse_doc_type, parse_language, parse_row
from ingest.legacy.manifest import open_manifest, parsed_rows
from ingest.legacy.paths import normalise_relpath


def _rows(path: Path, known: frozenset[str] | None = None) -> list:
    return list(parsed_rows(open_manifest(path), known))


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(("text", "encoding"), [
    ("path,title,issued_date\nbox/a.pdf,Quyết định số 5,05/03/2019\n", "utf-8"),
    ("path;title;issued_date\nbox/a.pdf;Quyết định số 5;05/03/2019\n", "utf-8"),
    ("path;title;issued_date\r\nbox/a.pdf;Quyết định số 5;2019-03-05\r\n", "utf-8-sig"),  # Excel: BOM and CRLF
    ("PATH\tTitle\tIssued_Date\nbox\\a.pdf\tQuyết định số 5\t5/3/2019\n", "utf-8"),
])
def test_csv_dialects_give_the_same_row(tmp_path: Path, text: str, encoding: str) -> None:
    [row] = _rows(_write(tmp_path / "m.csv", text, encoding))
    assert (row.line, row.path, row.errors) == (2, "box/a.pdf", [])
    assert row.supplied == {"title": "Quyết định số 5", "issued_date": "2019-03-05"}


def test_semicolon_manifest_with_commas_inside_values(tmp_path: Path) -> None:
    text = "path;title;tags\na.pdf;Báo cáo, tổng kết năm 2019;land, 2019\n"
    [row] = _rows(_write(tmp_path / "m.csv", text))
    assert row.supplied["title"] == "Báo cáo, tổng kết năm 2019"
    assert row.tags == ["land", "2019"]


def test_quoted_multiline_value_keeps_line_numbers_of_later_rows(tmp_path: Path) -> None:
    text = 'path,title\na.pdf,"two\nlines"\nb.pdf,01/01/2019\nc.pdf,x\n'
    rows = _rows(_write(tmp_path / "m.csv", text))
    assert [(r.line, r.path) for r in rows] == [(2, "a.pdf"), (4, "b.pdf"), (5, "c.pdf")]
    assert rows[0].supplied["title"] == "two\nlines"


def test_unreadable_rows_are_reported_with_their_line(tmp_path: Path) -> None:
    data = b"path,title\na.pdf,ok\n" + b"b.pdf,caf\xe9 latin-1\n" + b"c.pdf,x,y,z\n,no path\nd.pdf,fine\n"
    (tmp_path / "m.csv").write_bytes(data)
    items = _rows(tmp_path / "m.csv")
    problems = [i for i in items if isinstance(i, tuple)]
    rows = [i for i in items if not isinstance(i, tuple)]
    assert [p[0] for p in problems] == [3, 4]
    assert "UTF-8" in problems[0][1] and "4 cells" in problems[1][1]
    assert [(r.line, r.path) for r in rows] == [(2, "a.pdf"), (5, None), (6, "d.pdf")]
    assert "no path" in rows[1].errors[0]


def test_unknown_columns_are_reported_and_a_missing_path_column_refused(tmp_path: Path) -> None:
    manifest = open_manifest(_write(tmp_path / "m.csv", "path,titel\na.pdf,x\n"))
    assert manifest.problems and "titel" in manifest.problems[0][1]
    with pytest.raises(RejectedInput, match="no 'path' column"):
        open_manifest(_write(tmp_path / "n.csv", "file,title\na.pdf,x\n"))


def test_json_lines_manifest(tmp_path: Path) -> None:
    lines = [json.dumps({"path": "a/b.pdf", "doc_type": "Quyết định", "tags": ["x", "y"], "language": "Vietnamese"},
                        ensure_ascii=False), "", "{not json", json.dumps(["a list"]),
             json.dumps({"path": "c.pdf", "issued_date": "31/12/2020", "shared_with": "b, c",
                         "visibility": "shared"})]
    items = _rows(_write(tmp_path / "m.jsonl", "\n".join(lines) + "\n"))
    first, bad_json, not_object, last = items
    assert first.supplied == {"doc_type": "decision", "language": "vie"} and first.tags == ["x", "y"]
    assert bad_json[0] == 3 and "not valid JSON" in bad_json[1]
    assert not_object[0] == 4
    assert (last.line, last.supplied["issued_date"], last.shared_with, last.errors) == (5, "2020-12-31",
                                                                                        ["b", "c"], [])


@pytest.mark.parametrize(("raw", "iso"), [("2019-03-05", "2019-03-05"), ("05/03/2019", "2019-03-05"),
                                          ("5/3/2019", "2019-03-05"), ("05.03.2019", "2019-03-05"),
                                          ("2019-03-05 00:00:00", "2019-03-05")])
def test_dates_are_normalised_to_iso(raw: str, iso: str) -> None:
    assert parse_date(raw) == iso


@pytest.mark.parametrize(("raw", "reason"), [("31/02/2019", "not a real calendar date"),
                                             ("March 5, 2019", "not a date"), ("2019", "not a date"),
                                             ("13/13/2019", "not a real calendar date")])
def test_bad_dates_say_why(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_date(raw)


def test_doc_types_and_languages() -> None:
    assert parse_doc_type("Meeting minutes") == "meeting_minutes"
    assert parse_doc_type("CÔNG VĂN") == "official_letter"
    assert parse_doc_type("land-record") == "land_record"
    with pytest.raises(ValueError, match="doc_type 'memo' is unknown"):
        parse_doc_type("memo")
    assert [parse_language(x) for x in ("vi", "Tiếng Việt", "URD", "arabic")] == ["vie", "vie", "urd", "ara"]
    with pytest.raises(ValueError, match="language 'fr' is unknown"):
        parse_language("fr")


def test_row_checks_agencies_visibility_and_paths() -> None:
    known = frozenset({"province-a", "province-b"})
    row = parse_row(7, {"path": "../secret.pdf", "agency": "province-z", "visibility": "shared"}, known,
                    lambda n: True)
    assert row.path is None
    assert any("leaves the imported folder" in e for e in row.errors)
    assert any("'province-z' is unknown" in e for e in row.errors)
    assert any("needs the agencies to share with" in e for e in row.errors)
    ok = parse_row(8, {"path": "a.pdf", "agency": "province-b", "visibility": "Public"}, known, lambda n: True)
    assert (ok.errors, ok.agency, ok.visibility) == ([], "province-b", "public")
    unchecked = parse_row(9, {"path": "a.pdf", "agency": "anyone"}, None, lambda n: True)
    assert unchecked.errors == []


@pytest.mark.parametrize(("raw", "norm"), [("a/b.pdf", "a/b.pdf"), ("./a\\b.pdf", "a/b.pdf"), ("  a.pdf ", "a.pdf"),
                                           ("Ho\u0302\u0300 so\u031b/a.pdf", "Hồ sơ/a.pdf"), ("/etc/x", None),
                                           ("a/../../x", None), ("", None)])
def test_paths_are_normalised_so_spreadsheet_and_disk_meet(raw: str, norm: str | None) -> None:
    assert normalise_relpath(raw) == norm
