"""OpenCV page cleanup steps. Each takes and returns an 8-bit grey page (0 = ink, 255 = paper).

Which steps run is decided in `pipeline.py` from measurements (bench/ocr_ablation.py); every step here is a pure
function so it can be tested and measured on its own.
"""

from __future__ import annotations

import cv2
import numpy as np


def _paper_level(gray: np.ndarray) -> int:
    return int(np.percentile(gray[:: 4, :: 4], 90))


def _ink_mask(gray: np.ndarray) -> np.ndarray:
    """Pixels clearly darker than paper (Otsu on the page), as a 0/255 mask."""
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return mask


def rotate_quadrant(gray: np.ndarray, clockwise: int) -> np.ndarray:
    """Turn the page clockwise by 0/90/180/270 degrees."""
    turns = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(gray, turns[clockwise]) if clockwise in turns else gray


def remove_borders(gray: np.ndarray, dpi: float) -> np.ndarray:
    """Paint dark scanner-lid borders and skew-canvas wedges white: dark regions touching the page edge.

    Only components that touch an edge and are big (longer than a fifth of that side, or thicker than any glyph)
    are removed, so text that runs close to the edge survives.
    """
    height, width = gray.shape
    mask = _ink_mask(gray)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = gray.copy()
    paper = _paper_level(gray)
    glyph = dpi * 0.5  # nothing printed is half an inch thick
    for label in range(1, count):
        x, y, w, h, area = stats[label]
        touches = x == 0 or y == 0 or x + w == width or y + h == height
        if not touches:
            continue
        long_side = (w > width / 5 and (y == 0 or y + h == height)) or (h > height / 5 and (x == 0 or x + w == width))
        if long_side or (w > glyph and h > glyph and area > glyph * glyph / 4):
            out[labels == label] = paper
    return out


def remove_punch_holes(gray: np.ndarray, dpi: float) -> np.ndarray:
    """Fill dark round blobs 4-10 mm across lying near the page edges (filing punch holes) with paper colour."""
    height, width = gray.shape
    mask = _ink_mask(gray)
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    mm = dpi / 25.4
    margin = 25 * mm
    out = gray.copy()
    paper = _paper_level(gray)
    for label in range(1, count):
        x, y, w, h, area = stats[label]
        if not (4 * mm <= w <= 10 * mm and 4 * mm <= h <= 10 * mm and 0.75 <= w / h <= 1.33):
            continue
        near_edge = x < margin or x + w > width - margin or y < margin or y + h > height - margin
        fill = area / (np.pi * w * h / 4)  # share of the enclosing ellipse that is dark
        if near_edge and fill > 0.8:
            pad = int(mm)
            out[max(0, y - pad): y + h + pad, max(0, x - pad): x + w + pad] = paper
    return out


def estimate_skew(gray: np.ndarray, max_angle: float = 15.0) -> float:
    """Skew of the text lines in degrees (positive = content turned counter-clockwise), by projection profiles.

    Works on a ~1000 px wide copy: rows of text give the sharpest horizontal profile when the page is level.
    """
    scale = min(1.0, 1000.0 / gray.shape[1])
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    ink = _ink_mask(small)
    if cv2.countNonZero(ink) < 50:
        return 0.0
    height, width = ink.shape
    centre = (width / 2, height / 2)

    def sharpness(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(centre, -angle, 1.0)
        turned = cv2.warpAffine(ink, matrix, (width, height), flags=cv2.INTER_NEAREST, borderValue=0)
        profile = turned.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(profile)).sum())

    best = max(np.arange(-max_angle, max_angle + 0.01, 1.0), key=sharpness)
    best = max(np.arange(best - 1.0, best + 1.01, 0.1), key=sharpness)
    return round(float(best), 2)


def rotate_by(gray: np.ndarray, angle: float) -> np.ndarray:
    """Turn the page clockwise by `angle` degrees (to undo a counter-clockwise skew), growing the canvas so no
    corner is cut; new areas are paper-coloured."""
    if abs(angle) < 0.05:
        return gray
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(height * sin + width * cos + 0.5), int(height * cos + width * sin + 0.5)
    matrix[0, 2] += new_w / 2 - width / 2
    matrix[1, 2] += new_h / 2 - height / 2
    return cv2.warpAffine(gray, matrix, (new_w, new_h), flags=cv2.INTER_LINEAR, borderValue=_paper_level(gray))


def deskew(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """Level the text lines. Returns the page and the angle corrected (degrees, positive = was counter-clockwise)."""
    angle = estimate_skew(gray)
    return rotate_by(gray, angle), angle


def normalize_illumination(gray: np.ndarray, dpi: float) -> np.ndarray:
    """Divide by a smooth paper-background estimate, then stretch so paper is white and ink is black.

    Fixes uneven lighting, vignettes and grey low-contrast paper in one pass (~20 ms a page).
    """
    scale = 0.125
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    size = max(3, int(dpi * scale * 0.15) | 1)  # wider than a stroke: a max filter erases the ink
    background = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    background = cv2.medianBlur(background, 2 * size + 1 if 2 * size + 1 <= 255 else 255)
    background = cv2.resize(background, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(gray, np.maximum(background, 1), scale=255)
    low = float(np.percentile(flat[:: 4, :: 4], 0.5))
    if low >= 250:
        return flat
    lut = np.clip((np.arange(256, dtype=np.float64) - low) * 255.0 / (255.0 - low), 0, 255).astype(np.uint8)
    return cv2.LUT(flat, lut)


def denoise(gray: np.ndarray) -> np.ndarray:
    """3x3 median: removes salt-and-pepper specks and JPEG ringing for ~5 ms a page."""
    return cv2.medianBlur(gray, 3)


def binarize_sauvola(gray: np.ndarray, dpi: float, k: float = 0.2) -> np.ndarray:
    """Sauvola threshold with box filters (local mean and deviation over a ~4 mm window)."""
    window = max(15, int(dpi / 25.4 * 4) | 1)
    src = gray.astype(np.float32)
    mean = cv2.boxFilter(src, cv2.CV_32F, (window, window))
    sq = cv2.boxFilter(src * src, cv2.CV_32F, (window, window))
    std = np.sqrt(np.maximum(sq - mean * mean, 0))
    threshold = mean * (1 + k * (std / 128.0 - 1))
    return np.where(src > threshold, 255, 0).astype(np.uint8)


def binarize_otsu(gray: np.ndarray) -> np.ndarray:
    """Global Otsu threshold: right for pages whose illumination is already flat."""
    _, out = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return out


def upscale(gray: np.ndarray, dpi: float, target: float = 300.0) -> tuple[np.ndarray, float]:
    """Resample low-resolution scans to `target` DPI: tesseract's models read 20-30 px high glyphs best."""
    if dpi >= target * 0.9:
        return gray, dpi
    factor = target / dpi
    return cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC), target
