"""`workers.metrics.render_metrics` in embedded mode: figures computed from the store, in the Prometheus format."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import REPO


def _metrics(env: dict[str, str]) -> str:
    code = "from workers.backends import open_backends; from workers.metrics import render_metrics; " \
           "print(render_metrics(open_backends()), end='')"
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True,
                          check=True, timeout=300).stdout


def test_embedded_metrics_count_documents_and_confidence_from_the_store(ingested_samples) -> None:
    env, summary = ingested_samples
    text = _metrics(env)
    processed = summary["counts"]["processed"]
    assert f'records_documents{{state="processed"}} {processed}' in text
    assert 'records_documents{state="failed"} 0' in text
    # every line is a comment or `name{labels} number`
    for line in text.splitlines():
        assert line.startswith("# ") or re.fullmatch(r'[a-z_]+(\{[a-z]+="[^"]*"(,[a-z]+="[^"]*")*\})? -?[0-9.]+',
                                                     line), line
    count = int(re.search(r"^records_ocr_confidence_count (\d+)$", text, re.M).group(1))
    assert 0 < count <= processed  # born-digital pages have no OCR confidence
    mean = float(re.search(r"^records_ocr_confidence_sum ([0-9.]+)$", text, re.M).group(1)) / count
    assert 60 < mean <= 100
    buckets = [int(v) for v in re.findall(r'^records_ocr_confidence_bucket\{le="[^"]+"\} (\d+)$', text, re.M)]
    assert buckets == sorted(buckets) and buckets[-1] == count
