"""Table-driven tests of the metadata parsers: digits, dates, numbers, kinds, languages, whole documents."""

from __future__ import annotations

import pytest

from documents.model import DOC_TYPES
from metadata import detect_language, document_starts, extract_metadata
from metadata.dates import HIJRI, find_dates
from metadata.digits import normalize_text, to_ascii_digits
from metadata.doctype import arabic_script_kind, english_kind, vietnamese_abbreviation_type, vietnamese_kind
from metadata.numbers import arabic_script_number, english_number
from metadata.vietnamese import parse_header as vietnamese_header


@pytest.mark.parametrize(("text", "expected"), [
    ("۱۵/۰۳/۲۰۲۴", "15/03/2024"),
    ("٢٢/٠٤/٢٠٢٤", "22/04/2024"),
    ("نمبر ۱۴۷", "نمبر 147"),
    ("No digits here", "No digits here"),
])
def test_arabic_indic_digits_become_ascii(text: str, expected: str) -> None:
    assert to_ascii_digits(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # Vietnamese, with and without marks, numeric form, split over lines
    ("Vĩnh Hải, ngày 04 tháng 4 năm 2024", ["2024-04-04"]),
    ("Ha Noi, ngay 4 thang 4 nam 2024", ["2024-04-04"]),
    ("Hà Nội, ngày 4/4/2024", ["2024-04-04"]),
    ("hoàn thành trước ngày 31\ntháng 10 năm 2024.", ["2024-10-31"]),
    ("từ ngày 05 tháng 4 năm 2024 đến hết ngày 19 tháng 4 năm 2024", ["2024-04-05", "2024-04-19"]),
    # English month names and numeric forms
    ("4 April 2024", ["2024-04-04"]),
    ("April 4, 2024", ["2024-04-04"]),
    ("Apr. 4, 2024", ["2024-04-04"]),
    ("4th of April 2024", ["2024-04-04"]),
    ("the 4th April, 2024", ["2024-04-04"]),
    ("january 1, 2024", ["2024-01-01"]),  # OCR lost the capital
    ("Septmber 9, 2024", ["2024-09-09"]),  # one OCR slip in a long month name
    ("04/04/2024", ["2024-04-04"]),
    ("05/04/2024", ["2024-04-05"]),  # day first by default
    ("12/25/2024", ["2024-12-25"]),  # only the month-first reading is a date
    ("2024-04-04", ["2024-04-04"]),
    ("04.04.2024", ["2024-04-04"]),
    ("by May 2,\n2024. Ms. Albright", ["2024-05-02"]),
    # Urdu and Arabic
    ("تاریخ: 12 اپریل 2024", ["2024-04-12"]),
    ("تاریخ اجراء: 3 مارچ 2024", ["2024-03-03"]),
    ("۱۵/۰۳/۲۰۲۴", ["2024-03-15"]),
    ("مورخہ ۹ فروری ۲۰۲۳", ["2023-02-09"]),
    ("30 مئی 2024 تک", ["2024-05-30"]),
    ("التاريخ: 2024/04/22", ["2024-04-22"]),
    ("٢٢ أبريل ٢٠٢٤م", ["2024-04-22"]),
    ("22 ابريل 2024", ["2024-04-22"]),
    ("22 كانون الثاني 2024", ["2024-01-22"]),
    ("1 تشرين الأول 2023", ["2023-10-01"]),
    ("15 آذار 2024", ["2024-03-15"]),
    # not dates
    ("Tel 0258.3831.207", []),
    ("ایم سی ایم/ت م/2024/318", []),
    ("31/02/2024", []),
    ("Số: 87/TB-UBND", []),
    ("", []),
])
def test_find_dates(text: str, expected: list[str]) -> None:
    assert [h.iso for h in find_dates(normalize_text(text))] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("15 رمضان 1445هـ", "2024-03-25"),
    ("1445/09/15 هـ", "2024-03-25"),
    ("١٥ رمضان ١٤٤٥ هـ", "2024-03-25"),
])
def test_hijri_dates_are_converted_and_marked(text: str, expected: str) -> None:
    hits = find_dates(normalize_text(text))
    assert [(h.iso, h.calendar) for h in hits] == [(expected, HIJRI)]


@pytest.mark.parametrize(("lines", "expected"), [
    (["Số: 87/TB-UBND"], "87/TB-UBND"),
    (["Sé: 87/TB-UBND"], "87/TB-UBND"),
    (["So:87 / TB - UBND"], "87/TB-UBND"),
    (["Số 12/2024/QĐ-UBND"], "12/2024/QĐ-UBND"),
    (["_ §ố:87/TB-.UBND_ -__ Vĩnh Hải, ngày 04 tháng 4 năm 2024"], "87/TB-UBND"),
    (["Số: 87/TB-UBND . Vĩnh Hải, ngày 04 tháng 4 năm 2024"], "87/TB-UBND"),
    (["Số: 05/2024/TTr-UBND"], "05/2024/TTr-UBND"),
    (["SỞ NỘI VỤ", "Số: 342/SNV-VTLT"], "342/SNV-VTLT"),
    (["SỞ NỘI VỤ", "Điện thoại 0258.3560.944"], None),
])
def test_vietnamese_numbers(lines: list[str], expected: str | None) -> None:
    assert vietnamese_header(lines).number == expected


@pytest.mark.parametrize(("line", "expected"), [
    ("THÔNG BÁO", "notice"),
    ("THONG BAO", "notice"),  # OCR lost the marks
    ("“THÔNG BÁO.”", "notice"),  # quotes and dots that OCR adds do not matter
    ("QUYẾT ĐỊNH", "decision"),
    ("NGHỊ QUYẾT", "resolution"),
    ("CHỈ THỊ", "directive"),
    ("KẾ HOẠCH", "plan"),
    ("BÁO CÁO", "report"),
    ("BIÊN BẢN", "meeting_minutes"),
    ("TỜ TRÌNH", "submission"),
    ("CÔNG VĂN", "official_letter"),
    ("CÔNG ĐIỆN", "dispatch"),
    ("GIẤY MỜI", "invitation"),
    ("THÔNG TƯ", "circular"),
    ("Thông báo niêm yết công khai", None),  # a body sentence, not a kind line in capitals
])
def test_vietnamese_kind_lines(line: str, expected: str | None) -> None:
    kind = vietnamese_kind(line)
    assert (kind[0] if kind else None) == expected


@pytest.mark.parametrize(("number", "expected"), [
    ("87/TB-UBND", "notice"),
    ("12/2024/QĐ-UBND", "decision"),
    ("05/NQ-HĐND", "resolution"),
    ("342/SNV-VTLT", None),  # no kind abbreviation: an official letter
])
def test_vietnamese_number_abbreviations(number: str, expected: str | None) -> None:
    assert vietnamese_abbreviation_type(number) == expected


@pytest.mark.parametrize(("lines", "expected"), [
    (["Certificate No.: CO-2024-0192", "Building Permit No.: BP-2023-01377"], "CO-2024-0192"),
    (["No. 123/2024"], "123/2024"),
    (["Ref: ABC/12/2024"], "ABC/12/2024"),
    (["Our ref.: HR/2024/0071"], "HR/2024/0071"),
    (["Licence No: LN-5521"], "LN-5521"),
    (["License No BL-24-03317"], "BL-24-03317"),
    (["Permit Number: P-2024 - 118"], "P-2024-118"),
    # OCR of a two-column form: the label and the value end up on different lines
    (["Certificate No.:", "Date Issued:", "CERTIFICATE OF OCCUPANCY", "CO-2024-0192", "May 16, 2024"], "CO-2024-0192"),
    (["Dated: 04/04/2024", "Present: Ms. Brennan", "Schedule RS-7 for permit files"], None),
    (["Tel No.: 0258 3831 207", "Ref. No. HR/2024/0071"], "HR/2024/0071"),  # a phone number is not it
    (["Phone Number: 555-0199"], None),
])
def test_english_numbers(lines: list[str], expected: str | None) -> None:
    assert english_number(lines) == expected


@pytest.mark.parametrize(("lines", "language", "expected"), [
    (["نمبر: ایم سی ایم/ت م/2024/318"], "urd", "ایم سی ایم/ت م/2024/318"),
    ([normalize_text("نمبر: ۱۲۳/۲۰۲۴")], "urd", "123/2024"),
    (["غمبر: 55/2024 تاریخ: 12 اپریل 2024"], "urd", "55/2024"),  # OCR slip in the label, merged date label
    (["موضع: چک نمبر 203 ر ب", "کھیوٹ نمبر: 147، کھتونی نمبر: 212"], "urd", "کھیوٹ نمبر 147"),
    (["حوالہ نمبر: ب/77/2024"], "urd", "ب/77/2024"),
    (["فون نمبر: 061-4520000", "نمبر: 12/2024"], "urd", "12/2024"),
    (["دائرة الأراضي والمساحة الرقم: ت س/5/2208"], "ara", "ت س/5/2208"),
    ([normalize_text("رقم: ٤٥/٢٠٢٤")], "ara", "45/2024"),
    (["العدد: 15"], "ara", "15"),
    (["قطعة الأرض رقم 317 حوض رقم 9"], "ara", None),  # numbers in the body are not the document's
])
def test_arabic_script_numbers(lines: list[str], language: str, expected: str | None) -> None:
    assert arabic_script_number(lines, language) == expected


@pytest.mark.parametrize(("line", "expected"), [
    ("CERTIFICATE OF OCCUPANCY", "certificate"),
    ("BUSINESS LICENSE", "license"),
    ("Trade Licence", "license"),
    ("BUILDING PERMIT", "permit"),
    ("Minutes - April 18, 2024", "meeting_minutes"),
    ("Minutes of the meeting of the Board", "meeting_minutes"),
    ("PUBLIC NOTICE", "public_notice"),
    ("DEPARTMENT OF PERMITS AND INSPECTIONS", None),
    ("CITY OF PORT ELLISON", None),
])
def test_english_kinds(line: str, expected: str | None) -> None:
    assert english_kind(line) == expected


@pytest.mark.parametrize(("line", "language", "expected"), [
    ("عوامی اطلاع", "urd", "public_notice"),
    ("اعلان عام", "urd", "public_notice"),
    ("عوای اطع", "urd", "public_notice"),  # OCR slips
    ("فرد ملکیت (جمع بندی کا اقتباس)", "urd", "land_record"),
    ("جمعبندی", "urd", "land_record"),
    ("لائسنس", "urd", "license"),
    ("إشعار بتحديث بيانات سند تسجيل", "ara", "notice"),
    ("إعلان", "ara", "notice"),
    ("شهادة ملكية", "ara", "certificate"),
    ("محضر اجتماع اللجنة", "ara", "meeting_minutes"),
    ("دائرة الأراضي والمساحة", "ara", None),
])
def test_arabic_script_kinds(line: str, language: str, expected: str | None) -> None:
    assert arabic_script_kind(line, language) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Ủy ban nhân dân phường Vĩnh Hải thông báo niêm yết công khai", "vie"),
    ("UBND TINH KHANH HOA So: 342/SNV-VTLT ngay 18 thang 4 nam 2024 cua cac co quan", "vie"),
    ("This certifies that the building described above has been inspected", "eng"),
    ("تمام شہریوں کو مطلع کیا جاتا ہے کہ میونسپل کارپوریشن نے", "urd"),
    ("نحيطكم علماً بأنه قد تم تحديث بيانات قطعة الأرض", "ara"),
    ("12/04/2024 — 318", None),
])
def test_detect_language(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected


VI_NOTICE = """UBND THÀNH PHỐ NHA TRANG
ỦY BAN NHÂN DÂN
PHƯỜNG VĨNH HẢI
Số: 87/TB-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Vĩnh Hải, ngày 04 tháng 4 năm 2024
THÔNG BÁO
Về việc niêm yết công khai kết quả kiểm tra hồ sơ
Thực hiện quy định, thời gian niêm yết từ ngày 05 tháng 4 năm 2024."""

# The same header as plain tesseract reads it: side-by-side blocks merged, marks lost, stray characters.
VI_NOTICE_OCR = """UBND THÀNH PHO NHA TRANG CONG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
ỦY BAN NHÂN DAN... Độc lập - Tự do - Hạnh phúc
PHƯỜNG VĨNH HẢI
_ §ố:87/TB-.UBND_ -__ Vĩnh Hải, ngày 04 tháng 4 năm 2024
THONG BAO.

Ve việc niêm yết công khai kết quả kiểm tra hồ sơ - -

Thực hiện quy định, thời gian niêm yết từ ngày 05 tháng 4 nam 2024."""

VI_LETTER = """UBND TỈNH KHÁNH HÒA CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ NỘI VỤ Độc lập - Tự do - Hạnh phúc
Số: 342/SNV-VTLT |
V/v hướng dẫn chỉnh lý Khánh Hòa, ngày 18 tháng 4 năm 2024

tài liệu tồn đọng

Kính gửi: Các cơ quan, tổ chức.
Hoàn thành trước ngày 31 tháng 10 năm 2024."""


@pytest.mark.parametrize("text", [VI_NOTICE, VI_NOTICE_OCR])
def test_vietnamese_notice(text: str) -> None:
    md = extract_metadata([text], "vie")
    assert md.doc_number == "87/TB-UBND"
    assert md.issued_date == "2024-04-04"
    assert md.dates == ["2024-04-04", "2024-04-05"]
    assert md.doc_type == "notice"
    assert md.title == "Thông báo về việc niêm yết công khai kết quả kiểm tra hồ sơ"
    assert md.issuing_body == "Ủy ban nhân dân phường Vĩnh Hải, thành phố Nha Trang"


def test_vietnamese_official_letter_from_merged_ocr_lines() -> None:
    md = extract_metadata([VI_LETTER], None)
    assert (md.language, md.doc_type, md.doc_number) == ("vie", "official_letter", "342/SNV-VTLT")
    assert md.title == "Công văn hướng dẫn chỉnh lý tài liệu tồn đọng"
    assert md.dates == ["2024-04-18", "2024-10-31"]
    assert md.issuing_body == "Sở Nội vụ tỉnh Khánh Hòa"


def test_vietnamese_document_without_kind_line_is_typed_by_its_number() -> None:
    md = extract_metadata(["UBND TỈNH KHÁNH HÒA\nSố: 12/2024/QĐ-UBND\nKhánh Hòa, ngày 2 tháng 1 năm 2024"], "vie")
    assert (md.doc_type, md.doc_number, md.issued_date) == ("decision", "12/2024/QĐ-UBND", "2024-01-02")


def test_header_date_wins_over_an_earlier_date_in_the_body() -> None:
    page = "Minutes of the committee\nThe report of 3 March 2024 was read.\nDated: 4 April 2024\n"
    md = extract_metadata([page], "eng")
    assert md.issued_date == "2024-04-04"
    assert md.dates == ["2024-04-04", "2024-03-03"]


def test_first_header_date_wins_and_expiry_dates_are_not_the_issue_date() -> None:
    page = ("BUSINESS LICENSE\nLicense No.: BL-24-03317\nExpiration Date: December 31, 2024\n"
            "Effective Date: January 1, 2024\nIssued: December 19, 2023\n")
    md = extract_metadata([page], "eng")
    assert md.issued_date == "2024-01-01"
    assert md.dates == ["2024-01-01", "2024-12-31", "2023-12-19"]
    assert (md.doc_type, md.title) == ("license", "Business License BL-24-03317")


@pytest.mark.parametrize(("page", "expected"), [
    ("Từ Sơn, ngày 2 tháng 5 năm 2024\nNgày sinh: 01/01/1990", "2024-05-02"),  # a place named "Từ ..."
    ("Ngày sinh: 01/01/1990\nBắc Ninh, ngày 2 tháng 5 năm 2024", "2024-05-02"),  # a birth date is not it
    ("Valid until: 31 December 2025\nDate: 2 May 2024", "2024-05-02"),
    ("Certificate\n2 May 2024\n", "2024-05-02"),  # a date alone on its line
])
def test_issue_date_labels(page: str, expected: str) -> None:
    assert extract_metadata([page], None).issued_date == expected


def test_urdu_land_record_issue_date_label_wins_over_a_body_date() -> None:
    page = ("محکمہ مال، ضلع فیصل آباد\nفرد ملکیت (جمع بندی کا اقتباس)\nکھیوٹ نمبر: ۱۴۷، کھتونی نمبر: ۲۱۲\n"
            "انتقال نمبر ۴۴۱۷ مورخہ ۹ فروری ۲۰۲۳\nتاریخ اجراء: ۳ مارچ ۲۰۲۴")
    md = extract_metadata([page], None)
    assert (md.language, md.doc_type, md.doc_number) == ("urd", "land_record", "کھیوٹ نمبر 147")
    assert md.dates == ["2024-03-03", "2023-02-09"]
    assert md.title == "فرد ملکیت (جمع بندی کا اقتباس)"


def test_arabic_notice_with_arabic_indic_digits() -> None:
    page = "دائرة الأراضي والمساحة\nالرقم: ت س/٥/٢٢٠٨\nالتاريخ: ٢٠٢٤/٠٤/٢٢\nإشعار بتحديث بيانات سند تسجيل\n"
    md = extract_metadata([page], "ara")
    assert (md.doc_number, md.issued_date, md.doc_type) == ("ت س/5/2208", "2024-04-22", "notice")
    assert md.title == "إشعار بتحديث بيانات سند تسجيل"
    assert md.issuing_body == "دائرة الأراضي والمساحة"


def test_hijri_date_is_not_the_issue_date_when_a_gregorian_one_exists() -> None:
    page = "إعلان\nالرقم: 77/2024\nالتاريخ: 15 رمضان 1445هـ الموافق 25/03/2024م\n"
    md = extract_metadata([page], "ara")
    assert md.issued_date == "2024-03-25"
    assert md.dates[0] == "2024-03-25"
    only_hijri = extract_metadata(["إعلان\nالتاريخ: 1 شوال 1445هـ\n"], "ara")
    assert only_hijri.issued_date == "2024-04-10"  # tabular calendar; the sighted date may differ by a day


def test_no_date_no_number_no_kind() -> None:
    md = extract_metadata(["some words without any header\nand a second line"], "eng", ocr_confidence=71.5)
    assert (md.issued_date, md.dates, md.doc_number, md.doc_type) == (None, [], None, "other")
    assert (md.page_count, md.ocr_confidence, md.language) == (1, 71.5, "eng")


@pytest.mark.parametrize("pages", [[], [""], ["", "   \n"]])
def test_empty_input_gives_empty_metadata(pages: list[str]) -> None:
    md = extract_metadata(pages, None)
    assert (md.title, md.doc_number, md.issued_date, md.language, md.page_count) == (None, None, None, None, len(pages))
    assert md.doc_type in DOC_TYPES


def test_a_wrong_language_hint_of_another_script_is_overruled() -> None:
    md = extract_metadata(["عوامی اطلاع\nنمبر: 12/2024\nتاریخ: 12 اپریل 2024"], "eng")
    assert (md.language, md.doc_type, md.doc_number) == ("urd", "public_notice", "12/2024")


def test_bundled_documents_metadata_describes_the_first() -> None:
    second = VI_NOTICE
    assert document_starts([VI_LETTER, second], "vie") == [0, 1]
    md = extract_metadata([VI_LETTER, second], "vie")
    assert (md.doc_number, md.doc_type, md.page_count) == ("342/SNV-VTLT", "official_letter", 2)
    assert md.dates == ["2024-04-18", "2024-10-31"]


def test_a_continuation_page_does_not_start_a_document() -> None:
    page2 = "2\nĐiều 3. Chánh Văn phòng và các cơ quan chịu trách nhiệm thi hành Quyết định này./."
    assert document_starts([VI_NOTICE, page2], "vie") == [0]
    assert extract_metadata([VI_NOTICE, page2], "vie").page_count == 2
