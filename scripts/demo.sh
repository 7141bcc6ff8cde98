#!/usr/bin/env bash
# The main job on the embedded default (local store, tantivy index, in-process workers; no servers):
# install, ingest a folder of scans, then search it.
#   scripts/demo.sh [FOLDER] [QUERY]     defaults: demo/ (the repository's own demo set, docs/testset.md), "lưu trữ"
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
samples=${1:-demo}
query=${2:-lưu trữ}
export RECORDS_HOME=${RECORDS_HOME:-$PWD/records-data}
# rejected files (the ground-truth .txt/.json files beside the scans, the bad file) still exit 0; exit 1 means the
# batch ran but some files failed (listed above): search what was stored anyway
status=0
.venv/bin/records ingest "$samples" --agency demo || status=$?
(( status <= 1 )) || exit "$status"
.venv/bin/records search "$query"
