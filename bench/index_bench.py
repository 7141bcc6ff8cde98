"""Benchmark the embedded search index: indexing rate and query latency at N synthetic documents.

    .venv/bin/python bench/index_bench.py --docs 100000 [--dir PATH] [--queries 200] [--batch N]
    .venv/bin/python bench/index_bench.py --dir PATH --query-only     # re-measure queries on a built index

Documents are deterministic (seeded): ~2 KB of Vietnamese, English, Arabic or Urdu text each, drawn with Zipf
frequencies from a vocabulary per language (real words first, then 20,000 pseudo-words in the language's script),
with numbers, Arabic-Indic digits and Arabic-script letter variants, 30 % of them with 2-4 pages, spread over 12
agencies with mixed visibility. Query words are content words (Zipf, without the 20 most frequent); "phrase" is two
adjacent words of a random document; "phrase, 2 common" is the worst case of two of the 20 most frequent words;
"1-word, folded" is a word typed without its tones or letter variants.
Indexing runs as `records reindex` does (`rebuild`: every document in one commit); `--batch N` instead upserts N
documents per call, one commit each, as workers and imports do (tantivy then merges the segments of many commits).
Prints docs/s for indexing, by the wall clock and per CPU-second of all threads (the CPU figure is the one to compare
on a machine that other work shares), then p50/p95 (ms) per query kind, each query run through `SearchIndex.search`
exactly as the API runs it (access filter, facets, 20 hits with pages and highlights).
"""

from __future__ import annotations

import argparse
import functools
import itertools
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.base import Access, IndexDoc, IndexedPage, SearchRequest
from index.folding import fold
from index.tantivy_index import TantivyIndex

VIE = (
    "quyết định ủy ban nhân dân tỉnh thành phố về việc phê duyệt kế hoạch đất đai xây dựng công trình giao thông "
    "nông thôn theo đề nghị của sở tài nguyên môi trường căn cứ luật tổ chức chính quyền địa phương ngày tháng năm "
    "điều khoản thi hành chủ tịch phó giám đốc văn phòng cơ quan đơn vị cá nhân có liên quan chịu trách nhiệm "
    "Nguyễn Đức Thanh Trần Thị Lan Lê Văn Hùng Phạm Minh Đức Hoàng Anh Tuấn Hà Nội Đà Nẵng Huế Cần Thơ"
)
ENG = (
    "the permit application for land registration was approved by the municipal council after inspection of the "
    "site and review of the survey records submitted by the applicant under section of the act notice hereby given "
    "that all parties concerned shall comply with the terms of this license certificate issued on behalf of office"
)
ARA = (
    "قرار وزارة الداخلية بشأن تسجيل الأراضي والعقارات في المحافظة بناء على طلب المواطن وموافقة اللجنة المختصة "
    "يعمل به من تاريخ صدوره ويلغى كل ما يخالفه مدير عام الإدارة العامة للشؤون القانونية كتاب رسمي إلى السيد"
)
URD = (
    "حکومت پنجاب محکمہ مال کی جانب سے زمین کی رجسٹریشن کا اجازت نامہ جاری کیا جاتا ہے درخواست گزار کی تصدیق کے "
    "بعد دفتر کی طرف سے منظوری دی گئی ہے یہ سرٹیفکیٹ لاہور کراچی اسلام آباد کے لیے ہے افسر کے دستخط"
)


def _words(text: str) -> list[str]:
    return text.split()


VIE_ONSETS = ["", *_words("b c ch d đ g gi h k kh l m n ng nh p ph qu r s t th tr v x")]
VIE_RHYMES = _words(
    "a à á ả ã ạ an ấn ắc âm ầu e ê ết i ình o ô ơ ờ u ư ướng ương uyên ồng iệt ọc ai ay ao anh ông ũng ịch ượt "
    "oan oàng uân ưới iếu ẹp ỏi ụng ạnh ền ổi ăng ết ươi"
)
ENG_SYLL = _words("ter men pro tion al con re com de in ex ad ver sub mis port ly ment ing er or land reg cer ti")
ARA_LETTERS = list("ابتثجحخدذرسشصضطظعغفقكلمنهوي") + list("یکہةىأإآ")
VARIANT_RATE = 0.05  # Arabic-script words sometimes written with the other variant of ي/ی, ك/ک, ه/ہ
N_PSEUDO = 20_000  # per language: a realistic vocabulary with a Zipf tail


def _vocabulary(lang: str, base: list[str], rng: random.Random) -> list[str]:
    """Base words (the most frequent ranks) then pseudo-words in the language's script."""
    words = list(dict.fromkeys(base))
    seen = set(words)
    while len(words) < len(base) + N_PSEUDO:
        if lang == "vie":
            w = rng.choice(VIE_ONSETS) + rng.choice(VIE_RHYMES)
            if rng.random() < 0.6:  # Vietnamese words are syllables; names and compounds are two
                w += rng.choice(VIE_ONSETS) + rng.choice(VIE_RHYMES)
        elif lang == "eng":
            w = "".join(rng.choice(ENG_SYLL) for _ in range(rng.randint(2, 4)))
        else:
            w = "".join(rng.choice(ARA_LETTERS) for _ in range(rng.randint(3, 6)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


_VOCAB_RNG = random.Random(7)
LANGS = tuple(
    (lang, _vocabulary(lang, text.split(), _VOCAB_RNG))
    for lang, text in (("vie", VIE), ("eng", ENG), ("ara", ARA), ("urd", URD))
)
# Zipf (s = 1.07) over each vocabulary's ranks, as in natural text.
CUM_WEIGHTS = list(itertools.accumulate(1.0 / (r + 1) ** 1.07 for r in range(max(len(v) for _, v in LANGS))))
TYPES = ("decision", "official_letter", "report", "permit", "certificate", "land_record", "notice", "plan")
AGENCIES = tuple(f"agency{i}" for i in range(12))
AR_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
AR_VARIANTS = str.maketrans("يكه", "یکہ")


def zipf_words(rng: random.Random, vocab: list[str], k: int) -> list[str]:
    """`k` words drawn from `vocab` with Zipf frequencies."""
    cum = CUM_WEIGHTS if len(vocab) == len(CUM_WEIGHTS) else _cum_weights(len(vocab))
    return rng.choices(vocab, cum_weights=cum, k=k)


@functools.lru_cache(maxsize=16)
def _cum_weights(n: int) -> list[float]:
    return list(itertools.accumulate(1.0 / (r + 1) ** 1.07 for r in range(n)))


def make_doc(rng: random.Random, i: int, target_bytes: int = 2000) -> IndexDoc:
    """One synthetic document of about `target_bytes` of text (deterministic for a given rng state)."""
    lang, vocab = LANGS[i % 4]
    words: list[str] = []
    size = 0
    while size < target_bytes:
        for w in zipf_words(rng, vocab, 50):
            r = rng.random()
            if r < 0.03:
                w = str(rng.randint(1, 2030))
                if lang in ("ara", "urd") and rng.random() < 0.5:
                    w = w.translate(AR_DIGITS)
            elif r < 0.03 + VARIANT_RATE and lang in ("ara", "urd"):
                w = w.translate(AR_VARIANTS)
            words.append(w)
            size += len(w.encode()) + 1
    text = " ".join(words)
    n_pages = 1 if rng.random() < 0.7 else rng.randint(2, 4)
    cut = max(1, len(words) // n_pages)
    pages = [
        IndexedPage(n + 1, " ".join(words[n * cut : (n + 1) * cut] if n < n_pages - 1 else words[n * cut :]))
        for n in range(n_pages)
    ]
    agency = AGENCIES[rng.randrange(len(AGENCIES))]
    vis = rng.choice(("private", "private", "shared", "public"))
    year = rng.randint(1995, 2025)
    return IndexDoc(
        id=f"doc{i:07d}",
        agency=agency,
        visibility=vis,
        shared_with=rng.sample(AGENCIES, 2) if vis == "shared" else [],
        title=" ".join(zipf_words(rng, vocab, 6)),
        doc_type=TYPES[rng.randrange(len(TYPES))],
        doc_number=f"{rng.randint(1, 999)}/{year}/QĐ-UBND",
        issued_date=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        language=lang,
        issuing_body=None,
        dossier=f"dossier-{rng.randrange(500)}",
        dossier_title=None,
        tags=[],
        created_at="2026-01-01T00:00:00Z",
        pages=pages if len(text) else [],
    )


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `values`."""
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


def index_docs(idx: TantivyIndex, n: int, seed: int, batch: int) -> int:
    """Generate `n` documents, index them (in one commit, or in upserts of `batch`), print the rate; returns the
    document count."""
    rng = random.Random(seed)
    t0 = time.perf_counter()
    docs = [make_doc(rng, i) for i in range(n)]
    text_mb = sum(len(p.text.encode()) for d in docs for p in d.pages) / 1e6
    print(f"generated {len(docs)} docs, {text_mb:.0f} MB of text, in {time.perf_counter() - t0:.1f}s")
    t0, c0 = time.perf_counter(), time.process_time()
    if batch:
        for start in range(0, len(docs), batch):
            idx.upsert(docs[start : start + batch])
    else:
        idx.rebuild(docs)
    index_s = time.perf_counter() - t0
    index_cpu = time.process_time() - c0
    how = f"upserts of {batch}" if batch else "one commit"
    print(
        f"indexed {idx.count()} docs ({how}) in {index_s:.1f}s: {len(docs) / index_s:,.0f} docs/s "
        f"({index_cpu:.1f} CPU-s over all threads, {len(docs) / index_cpu:,.0f} docs per CPU-s)"
    )
    return len(docs)


def main() -> None:
    """Generate, index, query, print."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--queries", type=int, default=200, help="queries per kind")
    ap.add_argument("--batch", type=int, default=0,
                    help="documents per upsert call (one commit each); default: all in one commit, as reindex")
    ap.add_argument("--dir", type=Path, default=None, help="index directory (default: a temporary one)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--query-only", action="store_true", help="query the index already in --dir, don't rebuild it")
    args = ap.parse_args()
    if args.query_only and not args.dir:
        ap.error("--query-only needs --dir")

    with tempfile.TemporaryDirectory() as tmp:
        path = args.dir or Path(tmp) / "index"
        if args.query_only:
            idx = TantivyIndex(path)
            n_docs = idx.count()
            print(f"querying the existing index in {path}: {n_docs} docs")
        else:
            idx = TantivyIndex(path, rebuild=True)
            n_docs = index_docs(idx, args.docs, args.seed, args.batch)

        qrng = random.Random(args.seed + 1)

        def word() -> str:
            # What people search: content words, not the 20 most frequent function words of a language.
            vocab = qrng.choice(LANGS)[1]
            return zipf_words(qrng, vocab[20:], 1)[0]

        def common_phrase() -> str:
            vocab = qrng.choice(LANGS)[1]
            return f'"{qrng.choice(vocab[:20])} {qrng.choice(vocab[:20])}"'

        def phrase() -> str:
            d = idx.get(f"doc{qrng.randrange(n_docs):07d}")
            ws = d.pages[0].text.split()
            k = qrng.randrange(max(1, len(ws) - 2))
            return '"' + " ".join(ws[k : k + 2]) + '"'

        kinds = {
            "1-word": lambda: SearchRequest(word(), Access(qrng.choice(AGENCIES))),
            "2-word": lambda: SearchRequest(f"{word()} {word()}", Access(qrng.choice(AGENCIES))),
            "phrase": lambda: SearchRequest(phrase(), Access(qrng.choice(AGENCIES))),
            "phrase, 2 common": lambda: SearchRequest(common_phrase(), Access(qrng.choice(AGENCIES))),
            "filtered+faceted": lambda: SearchRequest(
                word(),
                Access(qrng.choice(AGENCIES)),
                doc_type=qrng.choice(TYPES),
                date_from="2005-01-01",
                date_to="2020-12-31",
            ),
            "empty (list all)": lambda: SearchRequest("", Access(qrng.choice(AGENCIES))),
            "admin 1-word": lambda: SearchRequest(word(), Access(None, all_agencies=True)),
            # typed without tones or letter variants (nguyen for nguyễn, ي for ی): found only by folding
            "1-word, folded": lambda: SearchRequest(fold(word()), Access(qrng.choice(AGENCIES))),
        }
        for _ in range(20):  # warm caches
            idx.search(kinds["1-word"]())
        # Wall time is what a user waits; CPU time of the searching thread is what the search costs, and stays
        # meaningful when other work shares the two cores.
        print(f"{'query':<18} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'cpu p95':>8} {'mean hits':>10}")
        for name, make in kinds.items():
            times, cpu, totals = [], [], []
            for _ in range(args.queries):
                req = make()
                t, c = time.perf_counter(), time.thread_time()
                res = idx.search(req)
                times.append((time.perf_counter() - t) * 1000)
                cpu.append((time.thread_time() - c) * 1000)
                totals.append(res.total)
            print(
                f"{name:<18} {statistics.median(times):>8.2f} {percentile(times, 95):>8.2f} "
                f"{statistics.median(cpu):>8.2f} {percentile(cpu, 95):>8.2f} {statistics.mean(totals):>10.0f}"
            )
        idx.close()


if __name__ == "__main__":
    main()
