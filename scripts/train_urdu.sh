#!/usr/bin/env bash
# Reproduce Records' Urdu model (ocr/tessdata/urd_records.traineddata) from registry packages alone:
# fine-tune Debian's `urd` network on synthetic lines set in freely licensed Nastaliq and Naskh fonts.
# Deterministic for a seed: the same seed, sizes and inputs give a byte-identical model (one training thread; the
# seed drives the rendered lines, lstmtraining itself draws no random numbers here). About half a CPU-hour with the
# defaults. See docs/ocr.md, "The Urdu model".
#   scripts/train_urdu.sh [--seed N] [--lines N] [--iterations N] [--work DIR] [--output FILE]
# --output defaults to ocr/tessdata/urd_records.traineddata (the shipped model); the sha256 is printed at the end.
# Never trains on the project's samples, and never on Noto Nastaliq Urdu (the samples' font): the samples then
# measure a font the model has not seen, as real scans in other Nastaliq fonts will be.
set -euo pipefail
cd "$(dirname "$0")/.."
seed=1; lines=5000; iterations=9000; work=build/urdu-training; output=ocr/tessdata/urd_records.traineddata
while (( $# )); do
  case "$1" in
    --seed) seed=$2; shift 2 ;;
    --lines) lines=$2; shift 2 ;;
    --iterations) iterations=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --output) output=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$work" "$(dirname "$output")"; work=$(cd "$work" && pwd)
output="$(cd "$(dirname "$output")" && pwd)/$(basename "$output")"
# One thread: a multi-threaded LSTM sums in a varying order, so its floats (and the model bytes) would differ from
# run to run. Fixed hash seed and collation: nothing depends on set order or locale.
export OMP_THREAD_LIMIT=1 PYTHONHASHSEED=0 LC_ALL=C.UTF-8
tessdata=/usr/share/tesseract-ocr/5/tessdata

# 1. Inputs, all from package registries (licences in ocr/tessdata/README.md).
packages=(tesseract-ocr tesseract-ocr-urd fonts-nafees fonts-noto-core fonts-sil-scheherazade libraqm0)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if (( ${#missing[@]} )); then
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v npm >/dev/null || { echo "npm is needed for the Gulzar font (@fontsource/gulzar)" >&2; exit 1; }
if [[ ! -f "$work/fonts/package/files/gulzar-arabic-400-normal.woff" ]]; then
  mkdir -p "$work/fonts"
  (cd "$work/fonts" && npm pack --silent @fontsource/gulzar@5.3.0 >/dev/null && tar xzf fontsource-gulzar-5.3.0.tgz)
fi
if [[ ! -x "$work/venv/bin/python" ]]; then
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install -q --disable-pip-version-check pillow==13.0.0 fonttools==4.68.0 \
    python-bidi==0.6.12 numpy==2.4.6
fi
py="$work/venv/bin/python"
# Gulzar (Nastaliq) carries most weight: the pages to read are Nastaliq. The Naskh faces teach the letter forms.
cat > "$work/fonts.tsv" <<FONTS
$work/fonts/package/files/gulzar-arabic-400-normal.woff	4
/usr/share/fonts/truetype/fonts-nafees/NafeesWeb.ttf	2
/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf	1
/usr/share/fonts/truetype/noto/NotoNaskhArabic-Bold.ttf	0.5
/usr/share/fonts/truetype/scheherazade/Scheherazade-Regular.ttf	1
/usr/share/fonts/truetype/scheherazade/Scheherazade-Bold.ttf	0.5
FONTS

# 2. Start model: Debian's int8 urd as a float network; its character set plus the Arabic comma U+060C.
stock="$work/stock"; mkdir -p "$stock"
combine_tessdata -u "$tessdata/urd.traineddata" "$stock/urd." >/dev/null
"$py" scripts/urdu_training/float_model.py "$stock/urd.lstm" "$work/urd_float.lstm"
for part in word punc number; do
  dawg2wordlist "$stock/urd.lstm-unicharset" "$stock/urd.lstm-$part-dawg" "$work/$part.txt" 2>/dev/null
done
"$py" scripts/urdu_training/add_chars.py "$stock/urd.lstm-unicharset" "$work/unicharset" "،"
# Punctuation patterns for the new comma (the stock list knows "," only); dictionaries do not affect training.
"$py" - "$work/punc.txt" <<'PUNC'
import sys
from pathlib import Path
path = Path(sys.argv[1])
rows = path.read_text(encoding="utf-8").splitlines()
extra = [row.replace(",", "،") for row in rows if "," in row] + [" ،", " ۔", " ؟", " ؛", "، ", ' ۔"', ' ،"']
path.write_text("\n".join(dict.fromkeys(rows + extra)) + "\n", encoding="utf-8")
PUNC
awk 'NR>1{printf "%s", $1}' "$work/unicharset" > "$work/charset.txt"
rm -rf "$work/lang"; mkdir -p "$work/lang"
printf "4E00\t1.0\n" > "$work/radical-stroke.txt"  # only Han scripts use it; combine_lang_model wants one
combine_lang_model --input_unicharset "$work/unicharset" --script_dir "$work" --words "$work/word.txt" \
  --puncs "$work/punc.txt" --numbers "$work/number.txt" --output_dir "$work/lang" --lang urd \
  --pass_through_recoder --lang_is_rtl >"$work/combine.log" 2>&1

# 3. Training lines (PNG + visual-order box) and their .lstmf, made again unless this seed and count made them.
if [[ ! -f "$work/lines/done-$seed-$lines" ]]; then
  rm -rf "$work/lines"
  "$py" scripts/urdu_training/render_lines.py --words "$work/word.txt" --charset "$work/charset.txt" \
    --fonts "$work/fonts.tsv" --count "$lines" --seed "$seed" --out "$work/lines"
  while read -r name; do
    tesseract "$work/lines/$name.png" "$work/lines/$name" --psm 13 -l urd lstm.train >/dev/null 2>&1 || true
  done < "$work/lines/lines.txt"
  touch "$work/lines/done-$seed-$lines"
fi
ls "$work"/lines/*.lstmf | sort > "$work/train.txt"
echo "$(wc -l < "$work/train.txt") training lines" >&2

# 4. Fine-tune from scratch (lstmtraining would resume from an old checkpoint), then write the int8 model from the
#    last checkpoint, which holds the network after exactly --iterations iterations.
rm -rf "$work/checkpoints"; mkdir -p "$work/checkpoints"
lstmtraining --continue_from "$work/urd_float.lstm" --old_traineddata "$tessdata/urd.traineddata" \
  --traineddata "$work/lang/urd/urd.traineddata" --model_output "$work/checkpoints/urd" \
  --train_listfile "$work/train.txt" --max_iterations "$iterations" --learning_rate 0.0001 \
  --target_error_rate 0.01 >"$work/training.log" 2>&1
grep -E "^At iteration" "$work/training.log" | tail -n 1 >&2
lstmtraining --stop_training --convert_to_int --continue_from "$work/checkpoints/urd_checkpoint" \
  --traineddata "$work/lang/urd/urd.traineddata" --model_output "$work/urd_records.traineddata" \
  >"$work/convert.log" 2>&1
cp "$work/urd_records.traineddata" "$output"
echo "wrote $output ($(stat -c %s "$output") bytes)" >&2
sha256sum "$output" | cut -d' ' -f1
