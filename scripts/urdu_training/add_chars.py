"""Add characters to a Tesseract unicharset file (punctuation-like entries; combine_lang_model sets their
properties again). Usage: python add_chars.py IN OUT CHARS"""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> None:
    source, target, chars = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    lines = source.read_text(encoding="utf-8").splitlines()
    known = {row.split(" ", 1)[0] for row in lines[1:]}
    count = int(lines[0])
    for ch in chars:
        if ch in known:
            continue
        lines.append(f"{ch} 10 0,255,0,255,0,0,0,0,0,0 Common {count} 13 {count} {ch}\t# {ch} [{ord(ch):x} ]p")
        count += 1
    lines[0] = str(count)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
