"""Document kinds: keyword tables per language mapped to the fixed English `doc_type` vocabulary."""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from metadata.digits import fold
from metadata.fuzzy import fold_arabic, within_one_edit

# Vietnamese kinds of Decree 30/2020/ND-CP: folded kind line -> (doc_type, the kind in sentence case).
VI_KINDS: dict[str, tuple[str, str]] = {
    "nghi quyet": ("resolution", "Nghị quyết"), "quyet dinh": ("decision", "Quyết định"),
    "chi thi": ("directive", "Chỉ thị"), "quy che": ("regulation", "Quy chế"),
    "quy dinh": ("regulation", "Quy định"), "thong cao": ("press_release", "Thông cáo"),
    "thong bao": ("notice", "Thông báo"), "huong dan": ("guidance", "Hướng dẫn"),
    "ke hoach": ("plan", "Kế hoạch"), "chuong trinh": ("plan", "Chương trình"),
    "phuong an": ("plan", "Phương án"), "de an": ("plan", "Đề án"), "bao cao": ("report", "Báo cáo"),
    "bien ban": ("meeting_minutes", "Biên bản"), "to trinh": ("submission", "Tờ trình"),
    "hop dong": ("contract", "Hợp đồng"), "cong van": ("official_letter", "Công văn"),
    "cong dien": ("dispatch", "Công điện"), "giay moi": ("invitation", "Giấy mời"),
    "thong tu": ("circular", "Thông tư"), "giay phep": ("license", "Giấy phép"),
    "giay chung nhan": ("certificate", "Giấy chứng nhận"), "don de nghi": ("application", "Đơn đề nghị"),
    "don xin": ("application", "Đơn xin"), "bien ban kiem tra": ("inspection_record", "Biên bản kiểm tra"),
}
# Kind abbreviations in Vietnamese numbers ("87/TB-UBND"); a number without one is an official letter.
VI_ABBREVIATIONS = {
    "NQ": "resolution", "QĐ": "decision", "QD": "decision", "CT": "directive", "QC": "regulation",
    "QYĐ": "regulation", "TC": "press_release", "TB": "notice", "HD": "guidance", "HĐ": "contract",
    "CTR": "plan", "KH": "plan", "PA": "plan", "ĐA": "plan", "BC": "report", "BB": "meeting_minutes",
    "TTR": "submission", "CĐ": "dispatch", "GM": "invitation", "TT": "circular", "GP": "license",
    "GCN": "certificate",
}

# English: a kind phrase at the start or end of a short header line ("CERTIFICATE OF OCCUPANCY",
# "BUSINESS LICENSE", "Minutes - April 18, 2024"). Longer phrases first.
_EN_KINDS: list[tuple[str, str]] = [
    ("public notice", "public_notice"), ("notice of public hearing", "public_notice"),
    ("minutes of the meeting", "meeting_minutes"),
    ("meeting minutes", "meeting_minutes"), ("minutes", "meeting_minutes"), ("press release", "press_release"),
    ("inspection report", "inspection_record"), ("inspection record", "inspection_record"),
    ("land record", "land_record"), ("record of rights", "land_record"), ("title deed", "land_record"),
    ("deed", "land_record"), ("certificate", "certificate"), ("licence", "license"), ("license", "license"),
    ("permit", "permit"), ("notice", "notice"), ("notification", "notice"), ("resolution", "resolution"),
    ("decision", "decision"), ("directive", "directive"), ("regulations", "regulation"),
    ("regulation", "regulation"), ("guidelines", "guidance"), ("guidance", "guidance"), ("plan", "plan"),
    ("report", "report"), ("submission", "submission"), ("contract", "contract"), ("agreement", "contract"),
    ("invitation", "invitation"), ("circular", "circular"), ("memorandum", "official_letter"),
    ("application", "application"), ("dispatch", "dispatch"),
]
# Urdu and Arabic: a kind word opening a short title line (letters folded by `fold_arabic`).
_UR_KINDS: list[tuple[str, str]] = [
    ("پریس ریلیز", "press_release"), ("پریس نوٹ", "press_release"), ("ہینڈ آؤٹ", "press_release"),
    ("اعلامیہ برائے پریس", "press_release"),
    ("اعلان عام", "public_notice"), ("عوامی اطلاع", "public_notice"), ("عوامی اعلان", "public_notice"),
    ("عوامی", "public_notice"), ("اطلاع", "public_notice"), ("اعلان", "public_notice"),
    ("نوٹس", "public_notice"), ("فرد", "land_record"), ("جمعبندی", "land_record"),
    ("جمع بندی", "land_record"), ("انتقال", "land_record"), ("خسرہ گرداوری", "land_record"),
    ("سرٹیفکیٹ", "certificate"), ("تصدیق نامہ", "certificate"), ("لائسنس", "license"),
    ("اجازت نامہ", "permit"), ("پرمٹ", "permit"), ("اعلامیہ", "notice"), ("حکم نامہ", "decision"),
    ("حکم", "decision"), ("مراسلہ", "official_letter"), ("رپورٹ", "report"), ("روئداد", "meeting_minutes"),
    ("کارروائی اجلاس", "meeting_minutes"), ("درخواست", "application"), ("معاہدہ", "contract"),
    ("دعوت نامہ", "invitation"), ("سرکلر", "circular"), ("معائنہ", "inspection_record"),
    ("پریس", "press_release"),  # "پریس ..." opening a title line: a press release whose second word OCR lost
]
_AR_KINDS: list[tuple[str, str]] = [
    ("إعلان عام", "public_notice"), ("إشعار", "notice"), ("إعلان", "notice"), ("اعلان", "notice"),
    ("تبليغ", "notice"), ("بلاغ", "press_release"), ("قرار", "decision"), ("تعميم", "circular"),
    ("شهادة", "certificate"), ("رخصة", "license"), ("ترخيص", "license"), ("تصريح", "permit"),
    ("محضر اجتماع", "meeting_minutes"), ("محضر كشف", "inspection_record"), ("محضر", "meeting_minutes"),
    ("تقرير", "report"), ("عقد", "contract"), ("دعوة", "invitation"), ("طلب", "application"),
    ("سند تسجيل", "land_record"), ("سند ملكية", "land_record"), ("نظام", "regulation"),
    ("لائحة", "regulation"), ("تعليمات", "guidance"), ("دليل", "guidance"), ("خطة", "plan"),
    ("مذكرة", "official_letter"), ("كتاب", "official_letter"), ("خطاب", "official_letter"),
]


def vietnamese_kind(line: str) -> tuple[str, str] | None:
    """(doc_type, kind in sentence case) if `line` is a Vietnamese kind line in capitals, e.g. "THÔNG BÁO"."""
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 4 or sum(c.isupper() for c in letters) < 0.7 * len(letters):
        return None
    key = " ".join(re.sub(r"[^a-z ]", " ", fold(line)).split())
    if key in VI_KINDS:
        return VI_KINDS[key]
    return None


def vietnamese_abbreviation_type(number: str) -> str | None:
    """doc_type from the kind abbreviation of a Vietnamese number ("87/TB-UBND" -> notice), if it has one."""
    for part in re.split(r"[/\-]", number.upper())[1:]:
        if part in VI_ABBREVIATIONS:
            return VI_ABBREVIATIONS[part]
    return None


def english_kind(line: str) -> str | None:
    """doc_type if a kind phrase opens or closes the short line (so "DEPARTMENT OF PERMITS" is not a permit)."""
    words = re.sub(r"[^a-z0-9 ]", " ", line.lower()).split()
    if not words or len(words) > 10:
        return None
    text = " ".join(words)
    for phrase, kind in _EN_KINDS:
        if text == phrase or text.startswith(phrase + " ") or text.endswith(" " + phrase):
            return kind
    return None


# A kind word (one or two words) followed by its own number: "تعميم رقم 12 لسنة 2024", "قرار رقم (45)".
_NUMBERED_KIND = re.compile(r"^(\S+(?:\s+\S+)?)\s+(?:رقم|نمبر|عدد)\s*[:(]?\s*[\d٠-٩۰-۹]")


def arabic_script_kind(line: str, language: str) -> str | None:
    """doc_type if a kind word opens a short Urdu/Arabic title line ("عوامی اطلاع", "إشعار بتحديث ...")."""
    words = re.sub(r"[^\w\s]", " ", line).split()
    table = _UR_KINDS if language == "urd" else _AR_KINDS
    numbered = _NUMBERED_KIND.match(line.strip())
    if numbered:  # "تعميم رقم 12 لسنة 2024": a kind word, then its own number
        words = numbered[1].split()
    elif not words or len(words) > 8 or any(c.isdigit() for c in line):
        return None
    text = fold_arabic(" ".join(words))
    for phrase, kind in table:
        key = fold_arabic(phrase)
        if text == key or text.startswith(key + " "):
            return kind
    # A short line that is a kind phrase with OCR's spacing and a few letters wrong ("عو امی اطااح" for "عوامی
    # اطلاع"): spaces ignored, at most one letter in five different, phrases of six letters or more.
    if len(words) <= 4:
        squeezed = text.replace(" ", "")
        for phrase, kind in table:
            key = fold_arabic(phrase).replace(" ", "")
            if len(key) >= 6 and Levenshtein.normalized_distance(squeezed, key) <= 0.2:
                return kind
    # One OCR slip in a kind word of four letters or more ("عوای اطع" for "عوامی اطلاع"), in a short line.
    for word in words[:1] if len(words) > 3 else words:
        for phrase, kind in table:
            key = fold_arabic(phrase)
            if " " not in key and len(key) >= 4 and within_one_edit(fold_arabic(word), key):
                return kind
    return None


_EN_SELF = re.compile(r"\bthis\s+(certificate|licen[cs]e|permit|notice|report|agreement|contract|resolution|"
                      r"decision|circular|directive|application|memorandum|invitation)\b", re.IGNORECASE)
_AR_SELF = re.compile(r"(?:هذا|هذه)\s+ال(\S+)")


def self_reference_kind(text: str, language: str) -> str | None:
    """doc_type from how the body names the document ("This certificate ...", "هذا الإشعار"), if it does."""
    if language == "eng":
        m = _EN_SELF.search(text)
        return english_kind(m[1]) if m else None
    if language == "ara":
        for m in _AR_SELF.finditer(text):
            kind = arabic_script_kind(m[1], language)
            if kind:
                return kind
    return None
