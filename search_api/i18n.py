"""The web UI's two languages (Vietnamese, English), date display (dd/mm/yyyy) and text direction per text."""

from __future__ import annotations

import unicodedata

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
RTL_LANGS = ("urd", "ara")
_HTML_LANG = {"vie": "vi", "eng": "en", "urd": "ur", "ara": "ar", "fra": "fr"}

MESSAGES: dict[str, dict[str, str]] = {
    "app": {"en": "Records", "vi": "Hồ sơ số"},
    "search": {"en": "Search", "vi": "Tìm kiếm"},
    "upload": {"en": "Upload", "vi": "Tải lên"},
    "sign_in": {"en": "Sign in", "vi": "Đăng nhập"},
    "sign_out": {"en": "Sign out", "vi": "Đăng xuất"},
    "token": {"en": "API token", "vi": "Mã truy cập (API token)"},
    "token_help": {"en": "Paste the token your administrator gave you (it starts with rec_).",
                   "vi": "Dán mã truy cập do quản trị viên cấp cho bạn (bắt đầu bằng rec_)."},
    "bad_token": {"en": "This token is not valid. Check it or ask your administrator for a new one.",
                  "vi": "Mã truy cập không hợp lệ. Hãy kiểm tra lại hoặc xin quản trị viên cấp mã mới."},
    "query_placeholder": {"en": "Words, \"a phrase\", OR, -exclude, prefix*",
                          "vi": "Từ khóa, \"cụm từ\", OR, -loại trừ, tiền tố*"},
    "all": {"en": "All", "vi": "Tất cả"},
    "results": {"en": "{n} documents", "vi": "{n} văn bản"},
    "results_one": {"en": "1 document", "vi": "1 văn bản"},
    "no_results": {"en": "No documents match.", "vi": "Không tìm thấy văn bản nào."},
    "facet_agency": {"en": "Agency", "vi": "Cơ quan"},
    "facet_doc_type": {"en": "Document type", "vi": "Loại văn bản"},
    "facet_language": {"en": "Language", "vi": "Ngôn ngữ"},
    "facet_year": {"en": "Year", "vi": "Năm"},
    "facet_dossier": {"en": "Dossier", "vi": "Hồ sơ"},
    "date_from": {"en": "From", "vi": "Từ ngày"},
    "date_to": {"en": "To", "vi": "Đến ngày"},
    "sort": {"en": "Sort", "vi": "Sắp xếp"},
    "sort_relevance": {"en": "Relevance", "vi": "Liên quan nhất"},
    "sort_date_desc": {"en": "Issued: newest", "vi": "Ban hành: mới nhất"},
    "sort_date_asc": {"en": "Issued: oldest", "vi": "Ban hành: cũ nhất"},
    "sort_added_desc": {"en": "Recently added", "vi": "Mới thêm vào"},
    "sort_title_asc": {"en": "Title A–Z", "vi": "Trích yếu A–Z"},
    "page_size": {"en": "Per page", "vi": "Mỗi trang"},
    "selected": {"en": "selected", "vi": "đã chọn"},
    "pages": {"en": "Pages", "vi": "Trang"},
    "page": {"en": "Page", "vi": "Trang"},
    "previous": {"en": "Previous", "vi": "Trang trước"},
    "next": {"en": "Next", "vi": "Trang sau"},
    "issued": {"en": "Issued", "vi": "Ngày ban hành"},
    "number": {"en": "Number", "vi": "Số hiệu"},
    "issuing_body": {"en": "Issuing body", "vi": "Cơ quan ban hành"},
    "title": {"en": "Title", "vi": "Trích yếu"},
    "doc_type": {"en": "Type", "vi": "Loại"},
    "language": {"en": "Language", "vi": "Ngôn ngữ"},
    "agency": {"en": "Agency", "vi": "Cơ quan"},
    "status": {"en": "Status", "vi": "Trạng thái"},
    "confidence": {"en": "OCR confidence", "vi": "Độ tin cậy OCR"},
    "visibility": {"en": "Visibility", "vi": "Phạm vi truy cập"},
    "vis_private": {"en": "Private (my agency)", "vi": "Riêng (cơ quan tôi)"},
    "vis_shared": {"en": "Shared with agencies", "vi": "Chia sẻ với cơ quan"},
    "vis_public": {"en": "Public (all agencies)", "vi": "Công khai (mọi cơ quan)"},
    "shared_with": {"en": "Shared with (comma-separated)", "vi": "Chia sẻ với (phân cách bằng dấu phẩy)"},
    "save": {"en": "Save", "vi": "Lưu"},
    "saved": {"en": "Saved.", "vi": "Đã lưu."},
    "downloads": {"en": "Downloads", "vi": "Tải xuống"},
    "original": {"en": "Original file", "vi": "Tệp gốc"},
    "searchable_pdf": {"en": "Searchable PDF", "vi": "PDF tìm kiếm được"},
    "plain_text": {"en": "Text", "vi": "Văn bản thuần"},
    "text": {"en": "Recognised text", "vi": "Nội dung nhận dạng"},
    "drop_here": {"en": "Drop scans here, or choose files", "vi": "Kéo thả bản quét vào đây, hoặc chọn tệp"},
    "choose_files": {"en": "Choose files", "vi": "Chọn tệp"},
    "ocr_lang": {"en": "Document language", "vi": "Ngôn ngữ văn bản"},
    "auto": {"en": "Detect automatically", "vi": "Tự nhận biết"},
    "start_upload": {"en": "Upload batch", "vi": "Tải lên lô"},
    "batch": {"en": "Batch", "vi": "Lô"},
    "ledger": {"en": "Batch ledger", "vi": "Sổ theo dõi lô"},
    "file": {"en": "File", "vi": "Tệp"},
    "document": {"en": "Document", "vi": "Văn bản"},
    "reason": {"en": "Reason", "vi": "Lý do"},
    "st_waiting": {"en": "waiting", "vi": "đang chờ"},
    "st_uploading": {"en": "uploading", "vi": "đang tải lên"},
    "st_received": {"en": "received", "vi": "đã nhận"},
    "st_queued": {"en": "queued", "vi": "đang xếp hàng"},
    "st_processing": {"en": "processing", "vi": "đang xử lý"},
    "st_processed": {"en": "processed", "vi": "đã xử lý"},
    "st_duplicate": {"en": "duplicate", "vi": "trùng lặp"},
    "st_rejected": {"en": "rejected", "vi": "bị từ chối"},
    "st_failed": {"en": "failed", "vi": "lỗi"},
    "st_mixed": {"en": "mixed", "vi": "nhiều trạng thái"},
    "batch_done": {"en": "Batch finished.", "vi": "Lô đã xử lý xong."},
    "upload_not_allowed": {"en": "Your role cannot upload documents.", "vi": "Vai trò của bạn không được tải lên."},
    "error": {"en": "Error", "vi": "Lỗi"},
    "back": {"en": "Back to search", "vi": "Quay lại tìm kiếm"},
    "signed_in_as": {"en": "{user} · {agency} · {role}", "vi": "{user} · {agency} · {role}"},
    "role_clerk": {"en": "clerk", "vi": "văn thư"},
    "role_officer": {"en": "officer", "vi": "cán bộ"},
    "role_admin": {"en": "admin", "vi": "quản trị"},
    "lang_vie": {"en": "Vietnamese", "vi": "Tiếng Việt"},
    "lang_eng": {"en": "English", "vi": "Tiếng Anh"},
    "lang_urd": {"en": "Urdu", "vi": "Tiếng Urdu"},
    "lang_ara": {"en": "Arabic", "vi": "Tiếng Ả Rập"},
    "highlight_note": {"en": "Matches of “{q}” are highlighted on the page images.",
                       "vi": "Các từ khớp với “{q}” được tô sáng trên ảnh trang."},
    "reversed_dates": {"en": "The start date {start} is after the end date {end}: nothing can match. Swap them?",
                       "vi": "Ngày bắt đầu {start} sau ngày kết thúc {end}: không văn bản nào khớp. Đổi chỗ hai ngày?"},
    "swap_dates": {"en": "Search {end} – {start} instead", "vi": "Tìm từ {end} đến {start}"},
    "untitled_number_date": {"en": "{type} {number}, {date}", "vi": "{type} số {number} ngày {date}"},
    "untitled_number": {"en": "{type} {number}", "vi": "{type} số {number}"},
    "untitled_date": {"en": "{type}, {date}", "vi": "{type} ngày {date}"},
    "untitled": {"en": "{type} without a title", "vi": "{type} chưa có trích yếu"},
    **{f"dt_{code}": {"en": en, "vi": vi} for code, en, vi in (
        ("resolution", "Resolution", "Nghị quyết"),
        ("decision", "Decision", "Quyết định"),
        ("directive", "Directive", "Chỉ thị"),
        ("regulation", "Regulation", "Quy chế, quy định"),
        ("press_release", "Press release", "Thông cáo"),
        ("notice", "Notice", "Thông báo"),
        ("guidance", "Guidance", "Hướng dẫn"),
        ("plan", "Plan", "Kế hoạch"),
        ("report", "Report", "Báo cáo"),
        ("meeting_minutes", "Meeting minutes", "Biên bản"),
        ("submission", "Submission", "Tờ trình"),
        ("contract", "Contract", "Hợp đồng"),
        ("official_letter", "Official letter", "Công văn"),
        ("dispatch", "Dispatch", "Công điện"),
        ("invitation", "Invitation", "Giấy mời"),
        ("circular", "Circular", "Thông tư"),
        ("public_notice", "Public notice", "Thông báo công khai"),
        ("permit", "Permit", "Giấy phép"),
        ("license", "Licence", "Giấy phép hành nghề"),
        ("certificate", "Certificate", "Giấy chứng nhận"),
        ("land_record", "Land record", "Hồ sơ địa chính"),
        ("inspection_record", "Inspection record", "Biên bản kiểm tra"),
        ("application", "Application", "Đơn"),
        ("other", "Other document", "Văn bản khác"),
    )},
}

from search_api.i18n_archives import ARCHIVE_MESSAGES  # noqa: E402 (the archival screens' messages)

MESSAGES.update(ARCHIVE_MESSAGES)
from search_api.i18n_workday import WORKDAY_MESSAGES  # noqa: E402 (admin, batches, saved searches, viewer)

MESSAGES.update(WORKDAY_MESSAGES)


def translate(key: str, lang: str, **values: object) -> str:
    """The message `key` in `lang` (falls back to English; for an unknown `lang_xxx`/`st_xxx` key, to `xxx`)."""
    entry = MESSAGES.get(key)
    text = (entry.get(lang) or entry.get("en")) if entry else key.split("_", 1)[-1]
    return text.format(**values) if values else text


def doc_label(title: str | None, doc_type: str | None, number: str | None, issued: str | None, lang: str,
              filename: str | None = None) -> str:
    """A document's title, or for one without a title a readable label from its type, number and date
    (`Công văn số 12/UBND ngày 03/04/2024`), else its type and file name; never its hex id."""
    if title and title.strip():
        return title
    kind = translate(f"dt_{doc_type or 'other'}", lang)
    if number and issued:
        return translate("untitled_number_date", lang, type=kind, number=number, date=format_date(issued))
    if number:
        return translate("untitled_number", lang, type=kind, number=number)
    if issued:
        return translate("untitled_date", lang, type=kind, date=format_date(issued))
    if filename:
        return f"{kind}: {filename}"
    return translate("untitled", lang, type=kind)


def pick_lang(cookie: str | None, accept_language: str | None) -> str:
    """The UI language: the user's choice (cookie), else the browser's if English, else Vietnamese."""
    if cookie in LANGS:
        return cookie
    if accept_language and accept_language.lower().startswith("en"):
        return "en"
    return DEFAULT_LANG


def format_date(value: str | None) -> str:
    """ISO `yyyy-mm-dd[...]` -> `dd/mm/yyyy`; empty for None; other text unchanged."""
    if not value:
        return ""
    head = value[:10]
    if len(head) == 10 and head[4] == "-" and head[7] == "-":
        return f"{head[8:10]}/{head[5:7]}/{head[0:4]}"
    return value


def html_lang(code: str | None) -> str:
    """The HTML `lang` of a Tesseract language code (`urd` -> `ur`), so the right font and shaping apply."""
    return _HTML_LANG.get(code or "", "")


def text_dir(text: str | None, lang: str | None = None) -> str:
    """`rtl` for Urdu/Arabic text (by language code or by its first strong character), else `ltr`."""
    if lang in RTL_LANGS:
        return "rtl"
    for ch in text or "":
        bidi = unicodedata.bidirectional(ch)
        if bidi in ("R", "AL"):
            return "rtl"
        if bidi == "L":
            return "ltr"
    return "ltr"
