"""Positions in the normalised text: trimming, line ends, bracket depth."""

from __future__ import annotations

import re



_TRIM = " \t\n,;:|/-–"


def _depth(text: str, start: int, end: int) -> int:
    part = text[start:end]
    return part.count("(") + part.count("[") - part.count(")") - part.count("]")


def _trimmed(text: str, start: int, end: int, chars: str = _TRIM) -> tuple[int, int]:
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


def _line_end(text: str, start: int, end: int) -> int:
    nl = text.find("\n", start, end)
    return end if nl < 0 else nl


def _matching_open(text: str, lo: int, close: int) -> int | None:
    depth = 0
    for i in range(close, lo - 1, -1):
        if text[i] in ")]":
            depth += 1
        elif text[i] in "([":
            depth -= 1
            if depth == 0:
                return i
    return None


def _trimmed_piece(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim a leftover piece, including a bracket left open by what was cut out of it."""
    s, e = _trimmed(text, start, end)
    seg = text[s:e]
    if "(" not in seg and ")" not in seg and "[" not in seg and "]" not in seg:
        return s, e
    depth = _depth(text, s, e)
    while e > s and (text[e - 1] in "([" or (text[e - 1] in ")]" and depth < 0)):
        depth += 1 if text[e - 1] in ")]" else -1
        s2, e = _trimmed(text, s, e - 1)
        depth -= _depth(text, s, s2)
        s = s2
    while e > s and (text[s] in ")]" or (text[s] in "([" and depth > 0)):
        depth += 1 if text[s] in ")]" else -1
        s, e2 = _trimmed(text, s + 1, e)
        depth -= _depth(text, e2, e)
        e = e2
    return s, e


_FILLER = re.compile(r"[\s,;:|/\-–()\[\]]*")
