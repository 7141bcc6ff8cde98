"""OpenCV page cleanup steps. Each takes and returns an 8-bit grey page (0 = ink, 255 = paper).

Which steps run is decided in `pipeline.py` from measurements (bench/ocr_ablation.py); every step here is a pure
function so it can be tested and measured on its own.
"""

from __future__ import annotations

import cv2
import numpy as np

# One page per process is the unit of parallelism (the lead's process pool); OpenCV's own thread pool would only
# fight the other page processes for the same cores.
cv2.setNumThreads(1)


def grey_percentiles(gray: np.ndarray, percents: list[float]) -> list[float]:
    """`np.percentile(gray, percents)` of an 8-bit image, the same values (its linear method, to the last bit), from
    a 256-bin histogram instead of a sort: 1 ms instead of 3-8 on a page sample."""
    counts = np.cumsum(cv2.calcHist([np.ascontiguousarray(gray)], [0], None, [256], [0, 256]).ravel().astype(np.int64))
    n = int(counts[-1])
    out = []
    for percent in percents:
        # numpy's linear method: virtual index (n - 1) * q, lerp between its neighbours (from the upper one past .5).
        position = (n - 1) * (percent / 100)
        below = max(0, min(n - 1, int(np.floor(position))))
        gamma = position - below
        low, high = (float(np.searchsorted(counts, rank, side="right")) for rank in (below, min(below + 1, n - 1)))
        diff = high - low
        out.append(high - diff * (1 - gamma) if gamma >= 0.5 else low + diff * gamma)
    return out


def _paper_level(gray: np.ndarray) -> int:
    return int(grey_percentiles(gray[:: 4, :: 4], [90])[0])


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
    # Borders are big: find them on a quarter-size mask (16x fewer pixels to label), then paint at full size.
    factor = 0.25
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    height, width = small.shape
    mask = _ink_mask(small)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    glyph = dpi * factor * 0.5  # nothing printed is half an inch thick
    paper = _paper_level(gray)
    remove = []
    for label in range(1, count):
        x, y, w, h, area = stats[label]
        touches = x == 0 or y == 0 or x + w == width or y + h == height
        if not touches:
            continue
        # Scanner-lid borders are near black; a vignette's shaded corner (with the text in it) is only dimmed.
        if np.median(small[y: y + h, x: x + w][labels[y: y + h, x: x + w] == label]) > 0.35 * paper:
            continue
        long_side = (w > width / 5 and (y == 0 or y + h == height)) or (h > height / 5 and (x == 0 or x + w == width))
        if long_side or (w > glyph and h > glyph and area > glyph * glyph / 4):
            remove.append(label)
    if not remove:
        return gray
    border = np.isin(labels, remove).astype(np.uint8)
    border = cv2.dilate(border, np.ones((3, 3), np.uint8))  # cover the edge pixels lost by downscaling
    border = cv2.resize(border, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST)
    out = gray.copy()
    out[border > 0] = _paper_level(gray)
    return out


def remove_punch_holes(gray: np.ndarray, dpi: float) -> np.ndarray:
    """Fill dark round blobs 4-10 mm across lying near the page edges (filing punch holes) with paper colour."""
    factor = 0.5  # holes are millimetres wide: half resolution finds them at a quarter of the cost
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    height, width = small.shape
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(_ink_mask(small), connectivity=8)
    mm = dpi * factor / 25.4
    margin = 25 * mm
    out = gray
    for label in range(1, count):
        x, y, w, h, area = stats[label]
        if not (4 * mm <= w <= 10 * mm and 4 * mm <= h <= 10 * mm and 0.75 <= w / h <= 1.33):
            continue
        near_edge = x < margin or x + w > width - margin or y < margin or y + h > height - margin
        fill = area / (np.pi * w * h / 4)  # share of the enclosing ellipse that is dark
        if near_edge and fill > 0.8:
            if out is gray:
                out, paper = gray.copy(), _paper_level(gray)
            pad = int(mm)
            x0, y0, x1, y1 = (int(v / factor) for v in (x - pad, y - pad, x + w + pad, y + h + pad))
            out[max(0, y0): y1, max(0, x0): x1] = paper
    return out


def estimate_skew(gray: np.ndarray, max_angle: float = 15.0) -> float:
    """Skew of the text lines in degrees (positive = content turned counter-clockwise), by projection profiles.

    Rows of text give the sharpest horizontal profile when the page is level. Instead of rotating the image for
    every candidate angle, a sample of ink pixels is projected (a histogram per angle): ~10 ms a page.
    """
    scale = min(1.0, 1000.0 / gray.shape[1])
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    ys, xs = np.nonzero(_ink_mask(small))
    if ys.size < 50:
        return 0.0
    if ys.size > 40_000:
        keep = np.random.default_rng(0).choice(ys.size, 40_000, replace=False)  # seeded: deterministic
        ys, xs = ys[keep], xs[keep]
    xs = xs.astype(np.float64) - small.shape[1] / 2
    ys = ys.astype(np.float64)

    def sharpness(angle: float) -> float:
        theta = np.deg2rad(angle)
        rows = ys * np.cos(theta) - xs * np.sin(theta)  # row of each pixel once the page is turned by `angle`
        profile = np.bincount((rows - rows.min()).astype(np.int64))
        return float(np.square(np.diff(profile.astype(np.float64))).sum())

    best = max(np.arange(-max_angle, max_angle + 0.01, 1.0), key=sharpness)
    best = max(np.arange(best - 1.0, best + 1.01, 0.1), key=sharpness)
    # Projecting at -a levels a page that was turned counter-clockwise by a (image rows grow downwards).
    return round(float(-best), 2) + 0.0


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
    flat = cv2.divide(gray, cv2.max(background, 1), scale=255)
    low = min(grey_percentiles(flat[:: 4, :: 4], [0.5])[0], _stretch_limit(flat))
    if low >= 250:
        return flat
    lut = np.clip((np.arange(256, dtype=np.float64) - low) * 255.0 / (255.0 - low), 0, 255).astype(np.uint8)
    return cv2.LUT(flat, lut)


def _stretch_limit(flat: np.ndarray) -> float:
    """The highest grey the contrast stretch may map to black: the paper level minus 20 times the paper's grain.

    On a sparse page on grainy paper the darkest 0.5 % of pixels are grain, not ink; stretching from there
    multiplied the grain (about 6x on a generated low-contrast Urdu notice) until Sauvola turned the whole page into
    specks, deskew measured the specks at 11.6 degrees, and Tesseract ran for its full 300 s. Sauvola keeps paper
    grain white while the paper is more than about 20 grain deviations above the black point."""
    quartile, paper = grey_percentiles(flat[:: 8, :: 8], [25, 50])
    # The grain's deviation from the lower quartile (0.674 deviations below the median of normal grain): the upper
    # half of the paper is clipped at white by the division.
    grain = (paper - quartile) / 0.6745
    return float(paper - 20.0 * grain)


def speck_fraction(gray: np.ndarray) -> float:
    """Share of pixels that are isolated dark specks (dark, with all eight neighbours light): pepper noise.
    Thin strokes (signatures, rules) have dark neighbours and do not count."""
    sample = gray[: 2 * (gray.shape[0] // 4)] if gray.shape[0] > 2000 else gray  # top half is plenty to count
    ink = (sample < 128).astype(np.uint8)
    neighbours = cv2.boxFilter(ink, cv2.CV_16U, (3, 3), normalize=False)
    isolated = (neighbours == 1) & (ink == 1)
    return float(np.count_nonzero(isolated)) / ink.size


def denoise(gray: np.ndarray, min_specks: float = 0.001) -> np.ndarray:
    """3x3 median where the page has salt-and-pepper specks (~5 ms). Clean pages are returned unchanged: the
    median also rounds off fine strokes and diacritics, which costs accuracy on pages that had no specks."""
    if speck_fraction(gray) < min_specks:
        return gray
    return cv2.medianBlur(gray, 3)


def binarize_sauvola(gray: np.ndarray, dpi: float, k: float = 0.2) -> np.ndarray:
    """Sauvola threshold: threshold = mean * (1 + k * (std / 128 - 1)) over a ~4 mm window.

    The local mean and deviation vary slowly, so they are computed on a quarter-size copy and the threshold map is
    scaled back up: the same result for a tenth of the time of full-resolution box filters (~30 ms a page).
    """
    factor = 0.25 if dpi >= 200 else 0.5
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA).astype(np.float32)
    window = max(5, int(dpi * factor / 25.4 * 4) | 1)
    mean = cv2.boxFilter(small, cv2.CV_32F, (window, window))
    mean_sq = cv2.sqrBoxFilter(small, cv2.CV_32F, (window, window))
    std = cv2.sqrt(cv2.max(cv2.subtract(mean_sq, cv2.multiply(mean, mean)), 0))
    threshold = cv2.scaleAdd(mean, 1 - k, cv2.multiply(mean, std, scale=k / 128.0))
    threshold = cv2.resize(threshold, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    # For whole grey levels, gray > t exactly when gray > floor(t); truncating to uint8 keeps the compare in 8 bits.
    # No clipping needed (it cost 20 ms a page): with 0 <= k <= 1 and std < 128 (grey levels), 0 <= t < mean <= 255,
    # and the linear upscaling stays between its neighbours.
    return cv2.compare(gray, threshold.astype(np.uint8), cv2.CMP_GT)


def binarize_otsu(gray: np.ndarray) -> np.ndarray:
    """Global Otsu threshold: right for pages whose illumination is already flat."""
    _, out = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return out


def upscale(gray: np.ndarray, dpi: float, target: float = 300.0,
            max_pixels: int = 20_000_000) -> tuple[np.ndarray, float]:
    """Resample low-resolution scans to `target` DPI: tesseract's models read 20-30 px high glyphs best.
    Never beyond `max_pixels` (a poster rendered at a low DPI to fit the cap stays as it is)."""
    factor = min(target / dpi, (max_pixels / (gray.shape[0] * gray.shape[1])) ** 0.5)
    if factor < 1.1:
        return gray, dpi
    return cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC), dpi * factor
