"""Put the Arabic comma (،) back into Tesseract's reading of Arabic-script pages.

The `ara` and `urd` models have no U+060C in their character sets, so they read the comma as "," or, when the glyph
is crisp, as ".". A "," after an Arabic letter is therefore always the Arabic comma. A "." is told apart by its
shape: the full stop is a round dot, the Arabic comma an inverted comma about half again as tall as it is wide.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr.language import is_arabic_letter

ARABIC_COMMA = "\u060c"
# Height/width of the ink at a "." box from which it is an Arabic comma. Measured at 300 dpi on the samples: commas
# 10x16, 10x17, 10x18, 8x12, 8x13 px (1.5-1.8); full stops 8x8, 9x9, 10x9, 10x11 (0.9-1.1).
COMMA_ASPECT = 1.4


def restore_commas(words: list[dict], mark_boxes: dict[int, tuple[int, int, int, int]],
                   image: np.ndarray) -> list[dict]:
    """Words with a trailing "," or comma-shaped "." after an Arabic letter ending in "،" instead.

    Args:
        words: tesseract's words (text, left, top, width, height, ...) of an Arabic-script page.
        mark_boxes: word index -> box (left, top, right, bottom) of the "." or "," that ends it.
        image: the page as OCR'd, dark ink on light paper.
    """
    out = []
    for i, word in enumerate(words):
        text = word["text"]
        after_letter = len(text) >= 2 and is_arabic_letter(text[-2])
        if after_letter and (text[-1] == "," or (
                text[-1] == "." and i in mark_boxes and _comma_shaped(image, mark_boxes[i], word["height"]))):
            word = {**word, "text": text[:-1] + ARABIC_COMMA}
        out.append(word)
    return out


def _comma_shaped(image: np.ndarray, box: tuple[int, int, int, int], word_height: int) -> bool:
    """Whether the ink blob at `box` (tesseract's character box, which can be loose) is taller than round.

    Of the blobs near the box small enough to be a punctuation mark, the one nearest its centre is measured."""
    left, top, right, bottom = box
    pad = max(8, word_height // 2)  # wide enough that a mark near the box lies wholly inside the crop
    x0, y0 = max(0, left - pad), max(0, top - pad)
    crop = image[y0: bottom + pad, x0: right + pad]
    if crop.size == 0:
        return False
    count, _labels, stats, centres = cv2.connectedComponentsWithStats((crop < 128).astype(np.uint8), connectivity=8)
    centre = np.array([(left + right) / 2 - x0, (top + bottom) / 2 - y0])
    largest = max(3, word_height // 2)
    marks = [i for i in range(1, count)
             if max(stats[i, cv2.CC_STAT_WIDTH], stats[i, cv2.CC_STAT_HEIGHT]) <= largest
             and stats[i, cv2.CC_STAT_AREA] >= 4 and not _touches_edge(stats[i], crop.shape)]
    if not marks:
        return False
    nearest = min(marks, key=lambda i: float(np.sum((centres[i] - centre) ** 2)))
    return bool(stats[nearest, cv2.CC_STAT_HEIGHT] >= COMMA_ASPECT * stats[nearest, cv2.CC_STAT_WIDTH])


def _touches_edge(stat: np.ndarray, shape: tuple[int, ...]) -> bool:
    """A blob cut by the crop's edge is part of something bigger (a letter), not a mark."""
    x, y, w, h = (int(v) for v in stat[:4])
    return x == 0 or y == 0 or x + w >= shape[1] or y + h >= shape[0]
