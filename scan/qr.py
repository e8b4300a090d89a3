"""The QR code of a receipt: the address where anyone checks it (``<public url>/verify/<code>``).

segno draws the symbol; the stamp (scan.stamp) paints its modules itself (reportlab rectangles on
a PDF copy, Pillow on an image copy) and the receipt e-mail attaches it as a PNG. Error correction
level M: a stamped copy is printed, photocopied and photographed again.
"""

from __future__ import annotations

import io

ERROR = "m"


def modules(text: str) -> list[list[bool]]:
    """The symbol's dark modules, rows from the top, without the quiet zone."""
    import segno

    return [[bool(v) for v in row] for row in segno.make_qr(text, error=ERROR, boost_error=False).matrix]


def png(text: str, *, scale: int = 6) -> bytes:
    """The symbol as a PNG (black on white, with the standard four-module quiet zone)."""
    import segno

    out = io.BytesIO()
    segno.make_qr(text, error=ERROR, boost_error=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
