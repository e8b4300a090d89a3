"""The matching key of a reference number (ที่), the same rule the parser and the tests use."""

from __future__ import annotations

import re

from nlp.tokens import fold

_DOT_NOT_BETWEEN_DIGITS = re.compile(r"(?<!\d)\.|\.(?!\d)")


def ref_key(ref_no: str | None) -> str | None:
    """NFKC, Thai digits → Arabic, no spaces, dots kept only between two digits."""
    if not ref_no:
        return None
    text = re.sub(r"\s+", "", fold(ref_no))
    return _DOT_NOT_BETWEEN_DIGITS.sub("", text) or None
