#!/usr/bin/env bash
# The whole test suite against real components: installs what it needs, starts Redis, an Elasticsearch
# node and an S3 server on loopback (scripts/services.sh), checks style, runs every test.
#   scripts/test.sh [PYTEST ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --test
scripts/services.sh start
eval "$(scripts/services.sh env)"
.venv/bin/ruff check .
status=0
.venv/bin/python -m pytest -ra --durations=15 "$@" || status=$?
if [[ $status -eq 5 ]]; then
  echo "no tests were collected" >&2
fi
exit $status
