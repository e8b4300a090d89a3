"""Split long text at platform limits, preferring line breaks, never inside a surrogate pair."""

from __future__ import annotations

from collections.abc import Callable


def utf16_units(text: str) -> int:
    """LINE counts text length in UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, measure: Callable[[str], int] = len) -> list[str]:
    """Pieces of *text*, each at most *limit* as *measure* counts, cut at a newline when one is
    near, else at a space, else anywhere (between code points)."""
    if measure(text) <= limit:
        return [text]
    pieces: list[str] = []
    rest = text
    while measure(rest) > limit:
        cut = _fit(rest, limit, measure)
        window = rest[:cut]
        for sep in ("\n", " "):
            at = window.rfind(sep)
            if at >= cut // 2:
                cut = at + 1
                break
        pieces.append(rest[:cut].rstrip("\n"))
        rest = rest[cut:]
    if rest:
        pieces.append(rest)
    return [p for p in pieces if p] or [""]


def _fit(text: str, limit: int, measure: Callable[[str], int]) -> int:
    """The longest prefix length (in code points) whose measure is ≤ limit (binary search)."""
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if measure(text[:mid]) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return max(lo, 1)
