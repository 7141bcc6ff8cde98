#!/usr/bin/env bash
# Install everything Records needs on a Debian machine: Tesseract with its language data and the other
# system packages, then a virtualenv (.venv) with Records and its Python dependencies.
#   scripts/install.sh          the runtime
#   scripts/install.sh --test   also what the test suite needs (Redis, Chromium, test extras)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(tesseract-ocr tesseract-ocr-vie tesseract-ocr-urd tesseract-ocr-ara tesseract-ocr-eng tesseract-ocr-fra
          tesseract-ocr-osd poppler-utils python3-venv fonts-noto-core libdeflate0)
lock=requirements/runtime.lock
extras=""
if [[ "${1:-}" == "--test" ]]; then
  packages+=(redis-server chromium maven fonts-nafees fonts-sil-scheherazade)
  lock=requirements/test.lock
  command -v npm >/dev/null || packages+=(npm)  # axe-core for the accessibility tests (tests/a11y)
  extras="[test]"
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if (( ${#missing[@]} )); then
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "installing system packages: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Records' own Tesseract models (ocr/tessdata, see docs/ocr.md) go beside Debian's, where every reader finds them.
tessdata=$(tesseract --list-langs 2>&1 | sed -n 's/.*"\(.*\)".*/\1/p' | head -1)
for model in ocr/tessdata/*.traineddata; do
  [[ -f "$model" && -d "$tessdata" ]] || continue
  if ! cmp -s "$model" "$tessdata/$(basename "$model")"; then
    sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo install -m 644 "$model" "$tessdata/"
  fi
done

python=${PYTHON:-python3}
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "Records needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2; exit 1; }
[[ -x .venv/bin/python ]] || "$python" -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check --upgrade pip
# Every Python dependency pinned to one version and checked against its sha256 (SECURITY.md says how to update
# the lock files); then Records itself, whose dependencies the lock already holds.
.venv/bin/pip install -q --disable-pip-version-check --require-hashes -r "$lock"
.venv/bin/pip install -q --disable-pip-version-check --no-deps -e .
if ! missing=$(.venv/bin/python - "$extras" <<'PY'
import importlib.metadata as md
import sys

from packaging.requirements import Requirement

extra = "test" if sys.argv[1] else ""
missing = []
for text in md.requires("records") or []:
    req = Requirement(text)
    if req.marker and not req.marker.evaluate({"extra": extra}):
        continue
    try:
        version = md.version(req.name)
    except md.PackageNotFoundError:
        missing.append(str(req))
        continue
    if version not in req.specifier:
        missing.append(f"{req} (have {version})")
print(", ".join(missing))
sys.exit(1 if missing else 0)
PY
); then
  # pyproject.toml names a dependency the lock lacks (added without regenerating it): install it unpinned so the
  # project still works, and say loudly that the lock must be regenerated (SECURITY.md)
  echo "WARNING: $lock is stale: it does not pin $missing; installing unpinned. Regenerate it (SECURITY.md)." >&2
  .venv/bin/pip install -q --disable-pip-version-check -e ".$extras"
fi
if [[ "${1:-}" == "--test" ]]; then  # axe-core (pinned by tests/a11y/package-lock.json) into git-ignored node_modules
  npm ci --prefix tests/a11y --no-audit --no-fund --silent
fi
