"""Texts of synthetic records: each language, each kind the archives hold, with their number and date known.

Every record is a `Record`: header and body lines (logical order) and the truth a reader must extract. Names,
numbers and agencies are drawn from small invented tables, so no two records of a set read alike.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass
class Record:
    """One synthetic document: its lines and what its metadata must come out as."""

    name: str
    language: str  # vie, eng, urd, ara
    doc_type: str
    doc_number: str
    issued: date
    lines: list[str]
    # Right-hand header block printed beside the first lines (Vietnamese national motto, number/date blocks).
    right: list[str] = field(default_factory=list)

    def truth(self) -> dict:
        """Expected metadata (the fields the test set scores)."""
        return {"language": self.language, "doc_type": self.doc_type, "doc_number": self.doc_number,
                "issued_date": self.issued.isoformat()}


UR_MONTHS = ["جنوری", "فروری", "مارچ", "اپریل", "مئی", "جون", "جولائی", "اگست", "ستمبر", "اکتوبر", "نومبر",
             "دسمبر"]
AR_MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
             "ديسمبر"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]

VI_PROVINCES = ["Khánh Hòa", "Nghệ An", "Thái Bình", "Quảng Nam", "Đồng Tháp", "Lâm Đồng", "Bắc Giang", "Phú Yên"]
VI_PLACES = ["Nha Trang", "Vinh", "Thái Bình", "Tam Kỳ", "Cao Lãnh", "Đà Lạt", "Bắc Giang", "Tuy Hòa"]
VI_ORGS = [("SỞ NỘI VỤ", "SNV"), ("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "STNMT"), ("SỞ XÂY DỰNG", "SXD"),
           ("ỦY BAN NHÂN DÂN", "UBND"), ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "SGDĐT"), ("CHI CỤC VĂN THƯ - LƯU TRỮ", "CCVTLT")]
VI_KINDS = {"notice": ("THÔNG BÁO", "TB"), "decision": ("QUYẾT ĐỊNH", "QĐ"), "report": ("BÁO CÁO", "BC"),
            "plan": ("KẾ HOẠCH", "KH"), "invitation": ("GIẤY MỜI", "GM"), "official_letter": (None, None)}
VI_SUBJECTS = ["tổ chức hội nghị tổng kết công tác văn thư, lưu trữ năm", "kiểm tra hồ sơ đất đai tại các xã",
               "tuyển dụng viên chức làm việc tại các đơn vị sự nghiệp", "lịch tiếp công dân của lãnh đạo",
               "chỉnh lý tài liệu tồn đọng giai đoạn", "điều chỉnh quy hoạch sử dụng đất"]
VI_BODY = ["Căn cứ Luật Lưu trữ ngày 11 tháng 11 năm 2011;", "Xét đề nghị của Trưởng phòng Hành chính - Tổng hợp,",
           "Các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành.", "Đề nghị các đơn vị phối hợp thực hiện.",
           "Nơi nhận: Như trên; Lưu: VT.", "Thời gian thực hiện trong tháng, báo cáo kết quả về Sở."]

EN_CITIES = ["Port Ellison", "Marlow Bay", "Cedar Falls", "North Haven", "Ashford", "Greenvale", "Riverton"]
EN_DEPTS = ["Department of Building Safety", "Office of the City Clerk", "Land Records Office",
            "Department of Licensing", "Planning Commission", "Public Works Department"]
EN_KINDS = {
    "certificate": ["CERTIFICATE OF OCCUPANCY", "CERTIFICATE OF COMPLIANCE", "BIRTH CERTIFICATE"],
    "license": ["BUSINESS LICENSE", "LIQUOR LICENSE", "CONTRACTOR LICENCE"],
    "meeting_minutes": ["MINUTES OF THE REGULAR MEETING", "MEETING MINUTES"],
    "public_notice": ["PUBLIC NOTICE", "NOTICE OF PUBLIC HEARING"],
    "land_record": ["RECORD OF RIGHTS", "LAND RECORD", "WARRANTY DEED"],
    "notice": ["NOTICE", "NOTICE TO RESIDENTS"],
    "permit": ["BUILDING PERMIT", "EXCAVATION PERMIT"],
}
EN_LABELS = {"certificate": "Certificate No.", "license": "License No.", "meeting_minutes": "Reference No.",
             "public_notice": "Notice No.", "land_record": "Record No.", "notice": "Ref. No.", "permit": "Permit No."}
EN_PREFIX = {"certificate": "CO", "license": "BL", "meeting_minutes": "MIN", "public_notice": "PN",
             "land_record": "LR", "notice": "NT", "permit": "BP"}
EN_BODY = ["This document is issued under the authority of the municipal code.",
           "All parties are advised to keep this record with their property documents.",
           "Owner: Margaret Tannenbaum, 14 Harbor Street.", "Parcel: Lot 27, Block 4, Eastside Addition.",
           "Questions may be directed to the office during regular business hours.",
           "The committee approved the agenda and the minutes of the previous meeting.",
           "Valid until December 31, 2030 unless revoked.", "Phone No.: 555-0142"]

UR_DEPTS = ["حکومت پنجاب", "میونسپل کارپوریشن ملتان", "محکمہ مال ضلع لاہور", "ضلعی انتظامیہ فیصل آباد",
            "محکمہ تعلیم سندھ", "ٹاؤن میونسپل ایڈمنسٹریشن گوجرانوالہ"]
UR_KINDS = {"public_notice": ["اعلان عام", "عوامی اطلاع"], "land_record": ["فرد جمعبندی", "فرد ملکیت"],
            "press_release": ["پریس ریلیز", "اعلامیہ برائے پریس"], "official_letter": ["مراسلہ"],
            "notice": ["اعلامیہ"]}
UR_CODES = ["ایم سی ایم", "ڈی سی ایل", "ٹی ایم اے", "ای ڈی او", "پی آر او"]
UR_BODY = ["عوام الناس کو مطلع کیا جاتا ہے کہ شہر کی صفائی کی مہم شروع کی جا رہی ہے۔",
           "تمام متعلقہ افراد اپنی درخواستیں دفتر میں جمع کرائیں۔", "مالک کا نام: محمد اسلم ولد عبد الرحمن",
           "رقبہ: 4 کنال 12 مرلہ، موضع چک نمبر 45", "اس سلسلے میں کسی بھی قسم کی معلومات کے لیے دفتر سے رابطہ کریں۔",
           "یہ اطلاع عام مفاد میں جاری کی جاتی ہے۔", "فون نمبر: 061-9200345"]

AR_STATES = ["المملكة الأردنية الهاشمية", "الجمهورية اللبنانية", "دولة الكويت", "سلطنة عمان", "المملكة المغربية"]
AR_MINISTRIES = ["وزارة الداخلية", "وزارة الزراعة", "وزارة العدل", "وزارة التربية والتعليم", "وزارة الشؤون البلدية"]
AR_KINDS = {"notice": ["إشعار", "إعلان"], "circular": ["تعميم"], "official_letter": [None],
            "decision": ["قرار"], "certificate": ["شهادة"]}
AR_BODY = ["نحيطكم علما بأن الدائرة ستباشر أعمال التسجيل اعتبارا من الأسبوع القادم.",
           "يرجى من جميع المراجعين إحضار الوثائق الثبوتية الأصلية.", "وتفضلوا بقبول فائق الاحترام والتقدير.",
           "يعمل بهذا القرار من تاريخ صدوره.", "على جميع الجهات المعنية التقيد بما جاء فيه.",
           "الهاتف: 06-5562314"]


def _date(rng: random.Random) -> date:
    return date(2015, 1, 1) + timedelta(days=rng.randrange(0, 365 * 11))


def vietnamese(rng: random.Random, doc_type: str, name: str) -> Record:
    """A Vietnamese administrative record (Decree 30/2020 layout: two-column header, kind line, subject)."""
    issued = _date(rng)
    i = rng.randrange(len(VI_PROVINCES))
    org, code = rng.choice(VI_ORGS)
    kind, abbr = VI_KINDS[doc_type]
    serial = rng.randint(1, 999)
    number = f"{serial}/{abbr}-{code}" if abbr else f"{serial}/{code}-VP"
    left = [f"UBND TỈNH {VI_PROVINCES[i].upper()}", org, f"Số: {number}"]
    right = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
             f"{VI_PLACES[i]}, ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}"]
    subject = f"{rng.choice(VI_SUBJECTS)} {issued.year}"
    lines = [*left, ""]
    if kind:
        lines += [kind, f"Về việc {subject}"]
    else:
        lines += [f"V/v {subject}", "Kính gửi: Ủy ban nhân dân các huyện, thị xã, thành phố"]
    lines += rng.sample(VI_BODY, 4)
    return Record(name, "vie", doc_type, number, issued, lines, right)


def english(rng: random.Random, doc_type: str, name: str) -> Record:
    """An English municipal record: agency lines, kind line, labelled number and issue date."""
    issued = _date(rng)
    number = f"{EN_PREFIX[doc_type]}-{issued.year}-{rng.randint(1, 99999):05d}"
    style = rng.randrange(3)
    when = (f"{EN_MONTHS[issued.month - 1]} {issued.day}, {issued.year}" if style == 0 else
            f"{issued.day} {EN_MONTHS[issued.month - 1]} {issued.year}" if style == 1 else issued.isoformat())
    kind = rng.choice(EN_KINDS[doc_type])
    label = rng.choice(["Date Issued:", "Date:", "Issued:"])
    lines = [f"CITY OF {rng.choice(EN_CITIES).upper()}", rng.choice(EN_DEPTS), "", kind,
             f"{EN_LABELS[doc_type]}: {number}", f"{label} {when}", ""]
    lines += rng.sample(EN_BODY, 4)
    return Record(name, "eng", doc_type, number, issued, lines)


def urdu(rng: random.Random, doc_type: str, name: str) -> Record:
    """An Urdu government record: department lines, kind line, "نمبر:" and "تاریخ:"."""
    issued = _date(rng)
    number = f"{rng.choice(UR_CODES)}/{issued.year}/{rng.randint(1, 999)}"
    style = rng.randrange(2)
    when = (f"{issued.day} {UR_MONTHS[issued.month - 1]} {issued.year}" if style == 0 else
            f"{issued.day:02d}/{issued.month:02d}/{issued.year}")
    kind = rng.choice(UR_KINDS[doc_type])
    lines = [rng.choice(UR_DEPTS), kind, f"نمبر: {number}", f"تاریخ: {when}", ""]
    lines += rng.sample(UR_BODY, 4)
    return Record(name, "urd", doc_type, number, issued, lines)


def arabic(rng: random.Random, doc_type: str, name: str) -> Record:
    """An Arabic government record: state and ministry, "الرقم:" and "التاريخ:", kind line or letter opening."""
    issued = _date(rng)
    number = f"{rng.randint(100, 9999)}/{rng.choice(['ت', 'م', 'ع', 'د'])}/{issued.year}"
    style = rng.randrange(3)
    when = (f"{issued.day} {AR_MONTHS[issued.month - 1]} {issued.year}" if style == 0 else
            f"{issued.year}/{issued.month:02d}/{issued.day:02d}" if style == 1 else
            f"{issued.day:02d}/{issued.month:02d}/{issued.year}")
    kind = rng.choice(AR_KINDS[doc_type])
    lines = [rng.choice(AR_STATES), rng.choice(AR_MINISTRIES), f"الرقم: {number}", f"التاريخ: {when}", ""]
    if kind is None:  # a letter: addressee, greeting, subject
        lines += ["السيد مدير الشؤون الإدارية المحترم", "تحية طيبة وبعد،", "الموضوع: تحديث سجلات الموظفين"]
    elif doc_type == "circular":
        lines += [f"{kind} رقم {rng.randint(1, 60)} لسنة {issued.year}", "إلى جميع المديريات التابعة"]
    else:
        lines += [f"{kind} بشأن تنظيم العمل في المديرية"]
    lines += rng.sample(AR_BODY, 3)
    return Record(name, "ara", doc_type, number, issued, lines)


MAKERS = {"vie": vietnamese, "eng": english, "urd": urdu, "ara": arabic}
TYPES = {"vie": list(VI_KINDS), "eng": list(EN_KINDS), "urd": list(UR_KINDS), "ara": list(AR_KINDS)}


def records(seed: int, per_type: int) -> list[Record]:
    """`per_type` records of every kind in every language, deterministic for `seed`."""
    rng = random.Random(seed)
    out = []
    for language, kinds in TYPES.items():
        for doc_type in kinds:
            for n in range(per_type):
                out.append(MAKERS[language](rng, doc_type, f"g_{language}_{doc_type}_{n + 1}"))
    return out
