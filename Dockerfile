# syntax=docker/dockerfile:1
# The Records application image: `records serve` (API + web UI) and `records worker` (RQ worker) in compose.yaml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OMP_THREAD_LIMIT=1 \
    RECORDS_HOME=/data

# Tesseract 5 with the five languages and orientation/script detection; poppler-utils for PDF tooling;
# libglib2.0-0 for OpenCV; libdeflate0 for page PNGs (ocr/pngfile.py); Noto fonts for the web UI (Vietnamese, Naskh,
# Nastaliq).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        tesseract-ocr tesseract-ocr-vie tesseract-ocr-urd tesseract-ocr-ara tesseract-ocr-eng tesseract-ocr-fra \
        tesseract-ocr-osd poppler-utils libglib2.0-0 libdeflate0 fonts-noto-core \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 records && mkdir -p /data && chown records:records /data

WORKDIR /app
# Dependencies first (cached while only the code changes): every one pinned with its sha256 (SECURITY.md), then the
# packages listed in pyproject.toml.
COPY pyproject.toml README.md ./
COPY requirements/runtime.lock ./requirements/
RUN pip install --require-hashes -r requirements/runtime.lock
COPY settings ./settings
COPY documents ./documents
COPY storage ./storage
COPY ingest ./ingest
COPY ocr ./ocr
COPY metadata ./metadata
COPY index ./index
COPY workers ./workers
COPY search_api ./search_api
COPY catalog ./catalog
COPY cli ./cli
COPY changes ./changes
COPY archives ./archives
COPY integrity ./integrity
COPY docgen ./docgen
# Records' own Tesseract models (the Urdu Nastaliq model, docs/ocr.md) beside Debian's
RUN cp ocr/tessdata/*.traineddata /usr/share/tesseract-ocr/5/tessdata/ \
    && pip install --no-deps . && tesseract --list-langs

USER records
VOLUME ["/data"]
EXPOSE 8000
CMD ["records", "serve", "--host", "0.0.0.0", "--port", "8000"]
