"""Reference numbers (ที่) as letters print them, and their normalised form for matching.

Shape (SARABAN.md "Reference numbers (ที่) in the wild"): an agency prefix (``มท``, a province
code such as ``รย``, sometimes dotted or with a unit in brackets), a numeric code with optional
``.sub-unit``, a slash (or a hyphen), optional extra segments (``พิเศษ/``, ``ทบ/``, ``2569/``), an
optional ``ว`` for a circular (also glued to the code: ``มท ๐๘๑๖ว๓๓``), then the sender's number,
perhaps with a year (``ว 1095/2569``), or missing. Digits may be Thai or Arabic and the
spacing is anything. The text is always kept as written; :func:`normalize_ref_no` gives the key
used to compare two of them.

The patterns here work on normalised text (Arabic digits, see :mod:`nlp.normalize`).
"""

from __future__ import annotations

import re
import unicodedata

from nlp.normalize import to_arabic_digits, remove_zero_width

_WS = re.compile(r"\s+")
# A dot survives only between two digits (0201.2); ``กค.`` and ``ว.61`` lose theirs.
_LONE_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")


def normalize_ref_no(text: str) -> str:
    """The matching key of a reference number (the rule of shared/data/README.md).

    NFKC, Thai digits to Arabic, all spaces removed, dots not between two digits dropped:
    ``กค. 0530.3/ว.61`` and ``กค 0530.3/ว61`` give the same key. Zero-width characters, which are
    invisible in the pasted text, are removed as well, and the result is NFKC again so that the
    function is idempotent.
    """
    t = to_arabic_digits(remove_zero_width(unicodedata.normalize("NFKC", text)))
    t = _LONE_DOT.sub("", _WS.sub("", t))
    # Removing a space can leave a combining mark next to a letter it composes with; composing
    # once more makes the key of a key the key itself.
    return t if t.isascii() else unicodedata.normalize("NFKC", t)


_BRACKET = r"(?:\( ?[^()\n]{1,24}\) ?)"
_PREFIX = (
    r"(?!พ\.? ?ศ|ค\.? ?ศ|ลว\.? ?\d|ลง ?\d)"  # "พ.ศ. 2571 - 2575" and "ลว. 2026-02-02" are not references
    r"(?>[ก-ฮ]{1,6}\.?(?:[ก-ฮ]{1,5}\.?){0,4})"  # มท, กค., สกพอ, ศอ.ปส.จ.รย (atomic: no backtracking)
)
_CODE = r"\d{1,6}(?:\.\d{1,4}){0,3}"
_TAIL = (
    # a slash or hyphen; or nothing when the circular's ว is glued to the code: มท ๐๘๑๖ว๓๓
    r"(?P<sep>/|-| - |(?<=\d)(?=ว\.? ?\d))\s{0,2}"
    # extra segments: กค ๐๔๒๒.๒/พิเศษ/ว ๒, มท 0211.2/ทบ/ว 455, รย 0017.3/2569/ว 88
    r"(?P<extra>(?:(?!ว[ .\d])[ก-ฮ][ก-๎]{0,10} ?/ ?|\d{1,4}/(?=\D)){0,2})"
    r"(?P<circ>ว ?(?:\( ?[ก-ฮ]{1,3} ?\) ?)?\.? ?)?"  # ว, ว., ว(ล) for a secret circular
    r"(?P<num>\d{1,15}(?:/\d{2,4}(?![\d/.]| ?[ก-ฮเ-ไ]))?)?"  # the number, perhaps with a year: ว 1095/2569
)

# A reference number that stands on its own, without the ที่ label: it must have the agency
# prefix, the code and the number, or it is too easily something else.
_STRICT_BODY = r"(?P<prefix>" + _PREFIX + r") ?" + _BRACKET + r"?(?P<code>" + _CODE + r") ?" + _BRACKET + r"?" + _TAIL
STRICT_RE = re.compile(r"(?<![ก-๎A-Za-z0-9./])" + _STRICT_BODY)
_STRICT_AT_RE = re.compile(_STRICT_BODY)
# ``ว 10``: a bare circular number, accepted after the ที่ label or inside brackets.
BARE_CIRCULAR_RE = re.compile(r"(?<![ก-๎A-Za-z0-9])ว ?\.? ?\d{1,6}(?![\d/])")
_BARE_CIRCULAR_AT_RE = re.compile(r"ว ?\.? ?\d{1,6}(?![\d/])")
# After ที่, the reference runs to the number that follows its last slash or hyphen.
_LABELLED_END = re.compile(
    r"[^\n]*?(?:/|-)\s{0,2}(?:[^\s\d/][^\s\d/]{0,10} ?/ ?){0,2}(?:[^\s\d/]{1,6} ?)?\d{1,15}"
)
_LABELLED_NO_NUMBER = re.compile(r"[^\n/]{1,40}?/ ?(?:ว ?\.?)?(?=\s|$)")
_LABELLED_NO_SLASH = re.compile(r"(?:" + _PREFIX + r" ?)?" + _BRACKET + r"?" + _CODE)


# A reference with its agency prefix and code but no number yet ("มท 0808.2/ว", "มท 0808.2/"),
# found without the ที่ label only where a date (or its marker), จาก, เรื่อง or the end of the line follows it.
_INCOMPLETE_BODY = (
    r"(?P<prefix>" + _PREFIX + r") ?" + _BRACKET + r"?" + _CODE + r" ?" + _BRACKET + r"?(?:/|-) ?(?:ว ?\.?)?"
    r"(?= {0,3}(?:$|\n|ลงวันที่|ลว|ลง ?\d|วันที่ ?\d|\d{1,2} ?[ก-ฮ]|จาก|เรื่อง))"
)
_INCOMPLETE_RE = re.compile(r"(?<![ก-๎A-Za-z0-9./])" + _INCOMPLETE_BODY)
_INCOMPLETE_AT_RE = re.compile(_INCOMPLETE_BODY)
# "หนังสือ ก.พ.ว12": an abbreviated sender followed directly by its bare circular number.
ABBREVIATION_CIRCULAR_RE = re.compile(r"(?<=[ก-ฮ]\.)ว ?\.? ?\d{1,6}(?![\d/.])")


def find_incomplete(text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
    """The first reference in ``text[start:end]`` that has its prefix and code but not its number
    (see _INCOMPLETE_BODY); at *start* itself a glued word before it does not matter."""
    end = len(text) if end is None else end
    m = _INCOMPLETE_AT_RE.match(text, start, end)
    return m if m is not None else _INCOMPLETE_RE.search(text, start, end)


def find_strict(text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
    """The first stand-alone reference number in ``text[start:end]`` that has its number."""
    end = len(text) if end is None else end
    if start < end and "\u0e01" <= text[start] <= "\u0e2e" and start > 0 and "\u0e01" <= text[start - 1] <= "\u0e4e":
        # a region that starts right after a glued word ("รับหนังสือรย. 52001/0459"): the region
        # start is a word start even though a Thai letter comes before it
        m = _STRICT_AT_RE.match(text, start, end)
        if m is not None and m.group("num"):
            return m
    for m in STRICT_RE.finditer(text, start, end):
        if m.group("num"):
            return m
    return None


# An agency reference without a numeric code, found without the ที่ label: an abbreviation with
# dots (optionally after one organisation word) right before the slash: สำนักงาน ศอ.ปส.จ.รย/ว 2428.
_AGENCY_BODY = r"(?:(?!ที่)[ก-ฮ][ก-๎]{1,14} )?[ก-ฮ]{1,5}\.(?:[ก-๎]{1,6}\.?){1,5} ?/ ?(?:ว ?\.? ?)?\d{1,7}(?![\d/])"
AGENCY_RE = re.compile(r"(?<![ก-๎A-Za-z0-9./])" + _AGENCY_BODY)
AGENCY_AT_RE = re.compile(_AGENCY_BODY)


def find_agency(text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
    """The first agency reference without a numeric code (see AGENCY_RE) in ``text[start:end]``;
    at *start* itself a glued word before it does not matter (``รับหนังสือสำนักงาน ศอ.ปส.จ.รย/ว 2428``)."""
    end = len(text) if end is None else end
    m = AGENCY_AT_RE.match(text, start, end)
    return m if m is not None else AGENCY_RE.search(text, start, end)


def strict_at(text: str, pos: int) -> re.Match[str] | None:
    """A reference number (strict, or a bare circular) starting exactly at *pos*."""
    m = _STRICT_AT_RE.match(text, pos)
    if m and m.group("num"):
        return m
    return _BARE_CIRCULAR_AT_RE.match(text, pos)


def labelled_extent(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Where the reference number ends in ``text[start:end]``, the text after a ที่ label.

    Lenient on purpose: whatever the agency put before the slash is kept
    (``สำนักงาน ศอ.ปส.จ.รย/ว 2428``, ``มท (กปภก) 0606/ว 4471``).
    """
    while start < end and text[start] in " \t\n:":
        start += 1
    if start >= end:
        return None
    region = text[start:end]
    strict = _STRICT_AT_RE.match(region)
    if strict is not None and strict.group("num"):
        # the whole strict shape (มท 0816ว33, มท 0808.2/ว 1095/2569), unless the lenient one below
        # reads further (it keeps whatever the agency put before the slash)
        lenient = _LABELLED_END.match(region)
        if lenient is None or lenient.end() <= strict.end():
            return start, start + strict.end()
    for pattern in (_LABELLED_END, _LABELLED_NO_NUMBER, BARE_CIRCULAR_RE, _LABELLED_NO_SLASH):
        m = pattern.match(region)
        if m and m.end() > 0:
            return start, start + m.end()
    return None


def is_circular(ref_no: str) -> bool:
    """True for a circular (หนังสือเวียน): a ``ว`` right before the sender's number."""
    key = normalize_ref_no(ref_no)
    return _CIRCULAR_KEY.search(key) is not None


# ว right before the number (มท0808.2/ว1095), also after a slash (ว/1523), glued to the code
# (มท0816ว33), marked secret (ว(ล)12) or followed by a year (ว1095/2569).
_CIRCULAR_KEY = re.compile(r"(?:^|[/\-\d.])ว(?:\([ก-ฮ]{1,3}\))?/?\d*(?:/\d{2,4})?$")
