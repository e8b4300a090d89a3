"""Clean-up of a page image before OCR, for flatbed scans and phone photos alike (OpenCV, numpy).

1. decode (Pillow, which also applies a phone's EXIF rotation) to grayscale;
2. find the sheet of paper in a photo and flatten it (perspective), when the page does not fill
   the frame;
3. bring the page to 200 dpi A4 width, the scale the thresholds of :mod:`scan.layout` assume;
4. even out the light (divide by a blurred background: shadows and fall-off from a phone's angle);
5. deskew by the projection profile of the text lines;
6. binarise with Sauvola's adaptive threshold (local mean and deviation: an uneven page has no
   single good threshold);
7. crop to the header region (the top of the page): the fields are there, and OCR time grows with
   the area read.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

DPI = 200  # the resolution pages are brought to: A4 width in pixels below
PAGE_WIDTH = round(210 / 25.4 * DPI)
A4_RATIO = 297 / 210
HEADER_FRACTION = 0.5  # the header of a letter (down to เรียน / อ้างถึง) fits in the top half


class ImageError(ValueError):
    """The bytes do not decode as an image."""


@dataclass
class Prepared:
    image: np.ndarray  # uint8, 0 = ink, 255 = paper
    page_found: bool  # a sheet was found in a photo and flattened
    skew: float  # degrees corrected


def decode(data: bytes) -> np.ndarray:
    """Grayscale uint8 array of an encoded image, upright as the camera meant it."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(data))
        img = ImageOps.exif_transpose(img)
        img = img.convert("L")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageError(str(exc)) from exc
    return np.asarray(img)


def _order(pts: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.float32([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]])


def find_page(gray: np.ndarray) -> np.ndarray | None:
    """The four corners of the sheet of paper in a photo, or None when the page fills the frame
    (a scan) or no clear sheet is seen. Paper is the large bright region: Otsu on a shrunk, blurred
    copy, the largest outer contour, simplified to four corners."""
    import cv2

    h, w = gray.shape
    k = 600 / max(h, w)
    small = cv2.resize(gray, (max(1, int(w * k)), max(1, int(h * k))), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    # text would punch holes in the sheet: close them before looking for its outline
    _, mask = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    c = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(c) / (small.shape[0] * small.shape[1])
    if not 0.2 < area < 0.95:
        return None  # no sheet, or the sheet is the whole frame (a scan)
    hull = cv2.convexHull(c)
    for eps in (0.02, 0.03, 0.05, 0.08):
        quad = cv2.approxPolyDP(hull, eps * cv2.arcLength(hull, True), True)
        if len(quad) == 4:
            return _order(quad.reshape(4, 2).astype(np.float32) / k)
    rect = cv2.minAreaRect(hull)
    return _order(cv2.boxPoints(rect).astype(np.float32) / k)


def flatten(gray: np.ndarray, corners: np.ndarray) -> np.ndarray:
    import cv2

    out_w = PAGE_WIDTH
    tl, tr, br, bl = corners
    wide = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    tall = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    if wide > tall:  # a page photographed sideways: keep it as it lies; deskew cannot turn 90°
        out_h = int(out_w * tall / wide)
    else:
        out_h = int(out_w * A4_RATIO)
    dst = np.float32([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]])
    m = cv2.getPerspectiveTransform(corners, dst)
    return cv2.warpPerspective(gray, m, (out_w, out_h), flags=cv2.INTER_CUBIC, borderValue=255)


def to_page_width(gray: np.ndarray) -> np.ndarray:
    import cv2

    h, w = gray.shape
    if w == PAGE_WIDTH:
        return gray
    k = PAGE_WIDTH / w
    interp = cv2.INTER_AREA if k < 1 else cv2.INTER_CUBIC
    return cv2.resize(gray, (PAGE_WIDTH, max(1, int(h * k))), interpolation=interp)


def even_light(gray: np.ndarray) -> np.ndarray:
    """Divide by the background (ink removed by a closing, then blurred): paper becomes ~255
    everywhere, shadows and a phone's light fall-off go, ink keeps its contrast."""
    import cv2

    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    bg = cv2.GaussianBlur(bg, (0, 0), 4)
    bg = cv2.resize(bg, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    out = gray.astype(np.float32) / np.maximum(bg.astype(np.float32), 1) * 255
    return np.clip(out, 0, 255).astype(np.uint8)


def skew_angle(gray: np.ndarray, limit: float = 8.0) -> float:
    """The rotation (degrees) that makes text lines horizontal: the angle whose row sums of ink
    vary most (lines and gaps sharp), searched coarse then fine on a shrunk copy."""
    import cv2

    k = 800 / gray.shape[1]
    small = cv2.resize(gray, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ink = ink.astype(np.float32)
    h, w = ink.shape
    centre = (w / 2, h / 2)

    def score(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rot = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
        return float(np.var(rot.sum(axis=1)))

    best = max(np.arange(-limit, limit + 0.01, 1.0), key=score)
    best = max(np.arange(best - 1, best + 1.01, 0.2), key=score)
    best = max(np.arange(best - 0.2, best + 0.21, 0.05), key=score)
    return float(best)


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    import cv2

    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def sauvola(gray: np.ndarray, window: int = 41, k: float = 0.2, r: float = 128.0) -> np.ndarray:
    """Sauvola's threshold T = m * (1 + k * (s / r - 1)) over a sliding window (mean m, deviation s),
    computed with box filters. Hand-written in numpy: scikit-image has it but would add SciPy to
    the install for six lines; OpenCV's own Sauvola is only in the contrib build."""
    import cv2

    g = gray.astype(np.float64)
    mean = cv2.boxFilter(g, -1, (window, window), borderType=cv2.BORDER_REFLECT)
    sq = cv2.boxFilter(g * g, -1, (window, window), borderType=cv2.BORDER_REFLECT)
    std = np.sqrt(np.maximum(sq - mean * mean, 0))
    thresh = mean * (1 + k * (std / r - 1))
    return np.where(g > thresh, 255, 0).astype(np.uint8)


def prepare(gray: np.ndarray, *, header_only: bool = True, binarise: bool = True) -> Prepared:
    """The clean page (or its header) ready for OCR."""
    corners = find_page(gray)
    page = flatten(gray, corners) if corners is not None else to_page_width(gray)
    page = even_light(page)
    angle = skew_angle(page)
    if abs(angle) >= 0.1:
        page = rotate(page, angle)
    if header_only:
        page = page[: max(1, int(page.shape[1] * A4_RATIO * HEADER_FRACTION))]
    if binarise:
        page = sauvola(page, window=_odd(41 * PAGE_WIDTH / 1654))
    return Prepared(page, corners is not None, angle)


def _odd(x: float) -> int:
    return int(x) // 2 * 2 + 1


def png(gray: np.ndarray) -> bytes:
    import cv2

    ok, buf = cv2.imencode(".png", gray)
    if not ok:
        raise ImageError("could not encode the page")
    return buf.tobytes()
