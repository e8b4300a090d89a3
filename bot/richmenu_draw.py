"""Draw a rich menu's image (PNG) in Thai with the Sarabun font (the fontpkg-sarabun package).

Pillow with libraqm shapes Thai (marks above and below the consonants) correctly; the labels are
fitted to their tile. LINE refuses an image over 1 MB or of another size than the menu object's,
so both are checked here before anything is uploaded.
"""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from bot.richmenu import WIDTH, Menu, cells

MAX_IMAGE_BYTES = 1_000_000  # LINE: a rich menu image is at most 1 MB
PALETTE = {  # (background, tile, label, hint) per menu
    "clerk": ("#0b3d62", "#145c8f", "#ffffff", "#cfe4f5"),
    "owner": ("#1d4d2b", "#2b7a43", "#ffffff", "#d5f0dd"),
    "head": ("#4a2c0b", "#8a5a1c", "#ffffff", "#f6e3c6"),
    "admin": ("#3b1f4f", "#64377f", "#ffffff", "#e7d7f2"),
}


@lru_cache(maxsize=8)
def _font(weight: str, size: int) -> ImageFont.FreeTypeFont:
    import fontpkg_sarabun

    path = fontpkg_sarabun.ROOT / "files" / f"Sarabun-{weight}.ttf"
    return ImageFont.truetype(str(path), size)


def _fitted(draw: ImageDraw.ImageDraw, text: str, weight: str, size: int, max_width: int) -> ImageFont.FreeTypeFont:
    while size > 24:
        font = _font(weight, size)
        if draw.textlength(text, font=font) <= max_width:
            return font
        size -= 6
    return _font(weight, size)


def draw_png(menu: Menu) -> bytes:
    background, tile_colour, label_colour, hint_colour = PALETTE[menu.role]
    image = Image.new("RGB", (WIDTH, menu.height), background)
    draw = ImageDraw.Draw(image)
    gap = 18
    boxes = cells(menu)
    # one size for every label (and every hint) of the menu, the largest that fits the widest
    label = min((_fitted(draw, t.label, "Bold", 190, w - 4 * gap) for t, (_, _, w, _) in zip(menu.tiles, boxes)),
                key=lambda f: f.size)
    hint = min((_fitted(draw, t.hint, "Regular", 88, w - 4 * gap) for t, (_, _, w, _) in zip(menu.tiles, boxes)),
               key=lambda f: f.size)
    for tile, (x, y, w, h) in zip(menu.tiles, boxes, strict=True):
        box = (x + gap, y + gap, x + w - gap, y + h - gap)
        draw.rounded_rectangle(box, radius=40, fill=tile_colour)
        cx, cy = x + w / 2, y + h / 2
        draw.text((cx, cy + 10), tile.label, font=label, fill=label_colour, anchor="ms")
        draw.text((cx, cy + 140), tile.hint, font=hint, fill=hint_colour, anchor="ms")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    data = out.getvalue()
    if len(data) > MAX_IMAGE_BYTES:  # pragma: no cover - a drawing change that would be refused
        raise ValueError(f"rich menu image for {menu.role} is {len(data):,} bytes; LINE accepts 1 MB")
    return data
