"""Normalisation of Thai text as officers type and paste it.

Two uses:

* :func:`normalize_text` gives a clean string for matching and display of free text;
* :func:`working_text` gives the parser a normalised copy *plus a map back to the original*,
  so every field the parser finds can still report the span it came from in what the user sent.

What is normalised and why:

* Thai digits -> Arabic (clerks type both; ``๒๕๖๙`` and ``2569`` must compare equal);
* zero-width characters (U+200B/C/D, U+2060, U+FEFF, soft hyphen) are removed: web pages and
  Word documents leave them inside pasted headers and PyThaiNLP's ``normalize`` keeps several;
* full-width and other compatibility forms -> NFKC, but *not* for Thai: NFKC splits SARA AM
  (``ำ`` -> ``ํา``), which breaks every dictionary word containing it;
* ``ํา`` -> ``ำ``, ``เเ`` -> ``แ``, a tone mark typed before an upper/lower vowel is moved after it,
  a mark typed twice is kept once: the usual keyboard slips that make identical words differ;
* exotic spaces -> space, exotic line breaks -> newline, dashes and slashes -> ASCII.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import chain

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"

_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)
_DROP_ZERO_WIDTH = dict.fromkeys(map(ord, ZERO_WIDTH), None)

# One-to-one replacements, applied with str.translate. Deletions (zero-width characters, a
# space after a space, the CR of CRLF) are done apart, so the map back stays simple.
_TABLE: dict[int, str] = {}
_TABLE.update({ord(t): a for t, a in zip(THAI_DIGITS, "0123456789")})
for _c in "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000":
    _TABLE[ord(_c)] = " "
for _c in "\x0b\x0c\x85\u2028\u2029":
    _TABLE[ord(_c)] = "\n"
for _c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63":
    _TABLE[ord(_c)] = "-"
for _c in "\u2044\u2215":
    _TABLE[ord(_c)] = "/"
for _cp in range(0xFF01, 0xFF5F):  # full-width ASCII
    _TABLE[_cp] = chr(_cp - 0xFEE0)
_DELETE = re.compile("\r(?=\n)|(?<= )[ " + ZERO_WIDTH + "]+|[" + ZERO_WIDTH + "]+")
_MAYBE_DELETE = re.compile("[\r" + ZERO_WIDTH + "]|  ")

_ABOVE_BELOW = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47"
_TONES = "\u0e48\u0e49\u0e4a\u0e4b\u0e4c"
_FOLLOW = "\u0e32\u0e33\u0e45"
_MARKS = _ABOVE_BELOW + _TONES + "\u0e4d\u0e4e"

# Anything that needs the slow, character-by-character path.
_NEEDS_SLOW = re.compile(
    "[^\n\r\x20-\x7e\u0e01-\u0e5b" + ZERO_WIDTH + "]"  # a compatibility form NFKC may change
    "|\u0e40\u0e40"  # เเ typed for แ
    "|\u0e4d[\u0e48-\u0e4b]?\u0e32"  # ํา typed for ำ
    f"|[{_TONES}][{_ABOVE_BELOW}]"  # tone before vowel
    f"|[{_FOLLOW}][\u0e48-\u0e4b]"  # follow vowel before tone
    f"|([{_MARKS}])\\1"  # doubled mark
)
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r" *\n[ \n]*")
_ANY_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Working:
    """A normalised copy of a message and where each of its characters came from."""

    text: str
    original: str
    index: tuple[int, ...] | None  # None: same length, character i came from i

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that produced ``text[start:end]``."""
        if self.index is None:
            return (start, end)
        if end <= start:
            at = self.index[start] if start < len(self.index) else len(self.original)
            return (at, at)
        part = self.index[start:end]
        return (min(part), max(part) + 1)

    def original_slice(self, start: int, end: int) -> str:
        a, b = self.span(start, end)
        return self.original[a:b]


# Characters the translation table changes: most messages have none, and str.translate over
# Thai text costs far more than one regex scan.
_CHANGED = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_TABLE) if c < 0xFF01) + "\uff01-\uff5e]")
_HAS_ZERO_WIDTH = re.compile("[" + ZERO_WIDTH + "]")


def working_text(text: str) -> Working:
    """Normalise *text* for parsing, keeping a map back to the original characters.

    Runs of spaces become one space, so that patterns need not allow for doubled spaces.
    """
    t = text.translate(_TABLE) if _CHANGED.search(text) else text
    if not _NEEDS_SLOW.search(t):
        if not _MAYBE_DELETE.search(t):
            return Working(t, text, None)
        kept: list[tuple[int, int]] = []
        pos = 0
        for m in _DELETE.finditer(t):
            kept.append((pos, m.start()))
            pos = m.end()
        kept.append((pos, len(t)))
        out = "".join(t[a:b] for a, b in kept).replace("\r", "\n")
        return Working(out, text, tuple(chain.from_iterable(range(a, b) for a, b in kept)))
    chars: list[str] = []
    index: list[int] = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch in ZERO_WIDTH or (ch == "\r" and i + 1 < n and text[i + 1] == "\n"):
            continue
        mapped = _TABLE.get(ord(ch), ch)
        if mapped == "\r":
            mapped = "\n"
        elif mapped == ch and not ("\u0e00" <= ch <= "\u0e7f" or " " <= ch <= "~" or ch == "\n"):
            mapped = unicodedata.normalize("NFKC", ch)
        for m in mapped:
            if m == " " and chars and chars[-1] == " ":
                continue
            chars.append(m)
            index.append(i)
    _fix_thai_order(chars, index)
    return Working("".join(chars), text, tuple(index))


def _fix_thai_order(chars: list[str], index: list[int]) -> None:
    """Repair keyboard-order slips in place (see module docstring)."""
    i = 0
    while i < len(chars) - 1:
        a, b = chars[i], chars[i + 1]
        if a == "\u0e40" and b == "\u0e40":  # เเ -> แ
            chars[i : i + 2] = ["\u0e41"]
            del index[i + 1]
            continue
        if a == "\u0e4d" and b == "\u0e32":  # ํา -> ำ
            chars[i : i + 2] = ["\u0e33"]
            del index[i + 1]
            continue
        if a == "\u0e4d" and b in "\u0e48\u0e49\u0e4a\u0e4b" and i + 2 < len(chars) and chars[i + 2] == "\u0e32":
            chars[i : i + 3] = [b, "\u0e33"]  # ํ่า -> ่ำ
            del index[i + 2]
            continue
        if a in _MARKS and a == b:  # doubled mark
            del chars[i + 1]
            del index[i + 1]
            continue
        if (a in _TONES and b in _ABOVE_BELOW) or (a in _FOLLOW and b in "\u0e48\u0e49\u0e4a\u0e4b"):
            chars[i], chars[i + 1] = b, a
            index[i], index[i + 1] = index[i + 1], index[i]
            i = max(i - 1, 0)
            continue
        i += 1


def normalize_text(text: str) -> str:
    """Normalised text for matching: the working normalisation plus collapsed spacing."""
    t = working_text(text).text
    t = _SPACES.sub(" ", t)
    return _BLANK_LINES.sub("\n", t).strip()


def clean_value(text: str) -> str:
    """A field value as written: zero-width characters removed, whitespace runs collapsed."""
    if _HAS_ZERO_WIDTH.search(text):
        text = text.translate(_DROP_ZERO_WIDTH)
    return _ANY_SPACE.sub(" ", text).strip()


def to_arabic_digits(text: str) -> str:
    return text.translate(_TO_ARABIC)


def to_thai_digits(text: str) -> str:
    return text.translate(_TO_THAI)


def remove_zero_width(text: str) -> str:
    return text.translate(_DROP_ZERO_WIDTH)


def fold(text: str) -> str:
    """Case- and script-folded text for search keys and fuzzy matching.

    NFKC (then SARA AM recomposed, see module docstring), Thai digits to Arabic,
    zero-width characters removed, lower case.
    """
    t = unicodedata.normalize("NFKC", text).replace("\u0e4d\u0e32", "\u0e33")
    return t.translate(_TO_ARABIC).translate(_DROP_ZERO_WIDTH).lower()
