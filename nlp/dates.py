"""Thai letter dates: parsing every way clerks write them, and rendering them back.

Written by hand on purpose: PyThaiNLP's ``thai_strptime`` misreads months 10-12 and Thai
digits, and dateparser ignores the Buddhist era (พ.ศ. = ค.ศ. + 543).

Year rules (SARABAN.md "Dates in the wild"): a two-digit year is พ.ศ. (67 -> 2567); a four-digit
year above 2400 is พ.ศ., otherwise ค.ศ.; an explicit พ.ศ./ค.ศ. before the year wins. An
impossible date (31 ก.พ.) is reported with a Thai message and never corrected into a guess.
A full month name one letter off ("5 มกราม 2569") is read when a year follows it. The month names
are kept with the parser's other Thai words in :mod:`nlp.fields.words`.

The functions here work on *normalised* text (Arabic digits, see :mod:`nlp.normalize`);
:func:`parse_date` normalises its argument itself.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from nlp.fields.words import MONTH_SPELLINGS as _EXTRA_SPELLINGS
from nlp.fields.words import MONTHS, MONTHS_SHORT
from nlp.normalize import to_thai_digits, working_text

# The smallest Gregorian year accepted: any earlier year, rendered in พ.ศ., would be 2400 or
# less and read back as ค.ศ.; refusing it keeps parse(render(d)) == d for every accepted date.
MIN_YEAR = 1858


def _month_table() -> tuple[dict[str, int], str]:
    lookup: dict[str, int] = {}
    alternatives: list[str] = []
    for number, (full, short) in enumerate(zip(MONTHS, MONTHS_SHORT), start=1):
        for spelling in (full, *_EXTRA_SPELLINGS[number]):
            lookup[spelling] = number
            alternatives.append(re.escape(spelling))
        # Abbreviations with or without dots, with a stray space after a dot: ม.ค. มค ม.ค มค.
        parts = short.rstrip(".").split(".")
        lookup["".join(parts)] = number
        alternatives.append(r"\.? ?".join(map(re.escape, parts)) + r"\.?")
    alternatives.sort(key=len, reverse=True)
    return lookup, "|".join(alternatives)


_MONTH_LOOKUP, _MONTH_ALTS = _month_table()
_KEY_DROP = re.compile(r"[.\s]")

_ERA = r"(?P<era>พ\.? ?ศ\.?|ค\.? ?ศ\.?|B\.? ?E\.?|C\.? ?E\.?|A\.? ?D\.?)"
DATE_RE = re.compile(
    r"(?=[\dเว])(?:"  # a fast filter: every form starts with a digit, or เมื่อวาน / วาน / วันนี้
    # 5 ตุลาคม 2567 / ๕ ต.ค. ๖๗ / 25ตค.61 / 31 พ.ค.2544 / 5 ต.ค. พ.ศ. 2567 / 5 ต.ค. (no year)
    r"(?P<thai>(?<!\d)(?<!\d\.)(?P<d>\d{1,2})(?: {0,3}|-)(?:เดือน ?)?(?:(?P<mon>" + _MONTH_ALTS + r")(?![ก-ฮA-Za-z])"
    # a full month name misspelt by one letter ("มกราม 2569"): read only with a year after it
    r"|(?P<fuzzy>(?>[ก-ฮเ-ไ][ก-๎]{4,11}))(?= {0,3}(?:[พค]\.? ?ศ|\d)))"
    r" {0,3}(?:" + _ERA + r" {0,3})?(?P<y>\d+)?)"
    # 25/05/2569 25-05-69 25.05.2569
    r"|(?P<num>(?<!\d)(?<![\d/-][./-])(?P<nd>\d{1,2}) ?(?P<sep>[/.-]) ?(?P<nm>\d{1,2}) ?(?P=sep) ?"
    r"(?P<ny>\d{4}|\d{2})(?![\d]|[/.-]\d))"
    # 2024-10-05 2567/10/05
    r"|(?P<iso>(?<!\d)(?<![\d/-][./-])(?P<iy>\d{4})(?P<isep>[-/.])(?P<im>\d{1,2})(?P=isep)(?P<id>\d{1,2})(?![\d]|[/.-]\d))"
    # what a clerk types about a letter that came in just now
    r"|(?P<rel>เมื่อวานซืน|เมื่อวานนี้|เมื่อวาน|วานซืน|วานนี้|วันนี้))",
    re.IGNORECASE,
)
_RELATIVE_DAYS = {"วันนี้": 0, "เมื่อวาน": 1, "เมื่อวานนี้": 1, "วานนี้": 1, "เมื่อวานซืน": 2, "วานซืน": 2}

# Markers that introduce a letter date (ลงวันที่ / ลว. / ลว / ลง).
MARKER = r"(?:ลงวันที่|ลว\.?|ลง(?=\s{0,3}\d)|วันที่)"
_MARKED = re.compile(r"\s*(?:" + MARKER + r")?\s*[:.]?\s*")


class DateError(ValueError):
    """An impossible or unreadable date; ``str(err)`` is the Thai message for the user."""


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date found in normalised text: either a ``value`` or an ``error`` (Thai)."""

    start: int
    end: int
    value: dt.date | None
    error: str | None = None
    confidence: float = 0.95
    relative: bool = False


def bangkok_today() -> dt.date:
    """Today's date for officers in Thailand, whatever the server's zone."""
    try:
        from zoneinfo import ZoneInfo

        return dt.datetime.now(ZoneInfo("Asia/Bangkok")).date()
    except Exception:  # no tz database: UTC+7 has no daylight saving
        return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=7)).date()


def _year(raw: str, era: str | None) -> tuple[int, bool]:
    """Gregorian year from the written year; the bool says it came from พ.ศ."""
    y = int(raw)
    era_key = _KEY_DROP.sub("", era).lower() if era else ""
    if len(raw) == 2:
        if era_key in ("คศ", "ce", "ad"):
            return 2000 + y, False
        return 2500 + y - 543, True
    if era_key in ("พศ", "be"):
        return y - 543, True
    if era_key in ("คศ", "ce", "ad"):
        return y, False
    if y > 2400:
        return y - 543, True
    return y, False


def _build(day: int, month: int, year: int, *, be: bool) -> tuple[dt.date | None, str | None]:
    shown_year = year + 543 if be else year
    if not 1 <= month <= 12:
        return None, f"เดือน {month} ไม่ถูกต้อง (ต้องเป็น 1 ถึง 12)"
    if year < MIN_YEAR or year > 9999 - 543:
        return None, f"ปี {shown_year} อยู่นอกช่วงที่รับได้"
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return None, (
            f"ไม่มีวันที่ {day} {MONTHS[month - 1]} {year + 543} "
            f"(เดือน{MONTHS[month - 1]} {year + 543} มี {last} วัน)"
        )
    return dt.date(year, month, day), None


def _infer_year(day: int, month: int, today: dt.date) -> int:
    # A date written without a year is the latest such date not far in the future:
    # letters are registered after they are dated.
    year = today.year
    if (month, day) > (today.month, today.day) and dt.date(year, month, 1) > today + dt.timedelta(days=31):
        year -= 1
    return year


# The parser looks at the same date more than once (to accept a label, then to read it);
# converting is the costly part, so absolute dates are remembered for a while.
_CACHE: dict[tuple[str, int, int], DateMatch | None] = {}


def _from_match(m: re.Match[str], today: dt.date | None) -> DateMatch | None:
    """The date of a match of DATE_RE, or None when a word read as a misspelt month is not one."""
    if m.group("rel") or (m.group("thai") and not m.group("y")):
        return _convert(m, today)  # depends on today: never cached
    key = (m.string, m.start(), m.end())
    found = _CACHE.get(key, _CACHE)
    if found is _CACHE:
        if len(_CACHE) >= 2048:
            _CACHE.clear()
        found = _CACHE[key] = _convert(m, today)
    return found


def _misspelt_month(word: str) -> int | None:
    """The month whose full name is one edit (a letter or mark missing, added or wrong) from *word*, if one.

    Hand-written around RapidFuzz's Levenshtein distance: a regex of every one-edit spelling of
    twelve names would be thousands of alternatives on a pattern that runs over every message.
    """
    from rapidfuzz.distance import Levenshtein

    found = {n for spelling, n in _FULL_SPELLINGS if Levenshtein.distance(word, spelling, score_cutoff=1) <= 1}
    return found.pop() if len(found) == 1 else None


# Names long enough for one edit to leave them unmistakable (not the spoken มกรา, มีนา …).
_FULL_SPELLINGS = tuple(
    (spelling, n)
    for n, full in enumerate(MONTHS, start=1)
    for spelling in (full, *_EXTRA_SPELLINGS[n])
    if len(spelling) >= 6 and not spelling.isascii()
)


def _convert(m: re.Match[str], today: dt.date | None) -> DateMatch | None:
    start, end = m.span()
    if m.group("thai"):
        if m.group("fuzzy"):
            month = _misspelt_month(m.group("fuzzy"))
            if month is None:
                return None
        else:
            month = _MONTH_LOOKUP[_KEY_DROP.sub("", m.group("mon")).lower()]
        day = int(m.group("d"))
        if m.group("y"):
            if len(m.group("y")) not in (2, 4):
                return DateMatch(start, end, None, f"ปี {m.group('y')} ไม่ถูกต้อง (เขียนปีเป็น 2 หรือ 4 หลัก)")
            year, be = _year(m.group("y"), m.group("era"))
            value, error = _build(day, month, year, be=be)
            return DateMatch(start, end, value, error)
        if m.group("era"):  # "5 ต.ค. พ.ศ." with the year cut off: do not swallow the era
            end = m.start("era")
            while end > start and m.string[end - 1].isspace():
                end -= 1
        today = today or bangkok_today()
        year = _infer_year(day, month, today) if 1 <= day <= 31 else today.year
        value, error = _build(day, month, year, be=True)
        return DateMatch(start, end, value, error, confidence=0.6)
    if m.group("num"):
        year, be = _year(m.group("ny"), None)
        value, error = _build(int(m.group("nd")), int(m.group("nm")), year, be=be)
        return DateMatch(start, end, value, error, confidence=0.9)
    if m.group("iso"):
        year, be = _year(m.group("iy"), None)
        value, error = _build(int(m.group("id")), int(m.group("im")), year, be=be)
        return DateMatch(start, end, value, error, confidence=0.9)
    today = today or bangkok_today()
    value = today - dt.timedelta(days=_RELATIVE_DAYS[m.group("rel")])
    return DateMatch(start, end, value, None, confidence=0.85, relative=True)


def match_date_at(text: str, pos: int, *, today: dt.date | None = None, relative: bool = True) -> DateMatch | None:
    """The date starting exactly at *pos* of normalised *text*, if any."""
    m = DATE_RE.match(text, pos)
    if m is None or (m.group("rel") and not relative):
        return None
    return _from_match(m, today)


def find_dates(
    text: str, start: int = 0, end: int | None = None, *, today: dt.date | None = None, relative: bool = False
) -> list[DateMatch]:
    """Every date in ``text[start:end]`` (normalised text), in order."""
    found = []
    end = len(text) if end is None else end
    pos = start
    while (m := DATE_RE.search(text, pos, end)) is not None:
        pos = m.end()
        if m.group("rel") and not relative:
            continue
        date = _from_match(m, today)
        if date is None:  # "5 ประชุม 12 มกราคม 2569": not a month; the digits after it may start a date
            pos = m.end("fuzzy")
            continue
        found.append(date)
    return found


def parse_date(text: str, *, today: dt.date | None = None) -> dt.date:
    """Parse a whole string that is one date, with or without a marker (ลว. 5 ต.ค. 67).

    Raises :class:`DateError` with a Thai message when it is not a date or an impossible one.
    """
    w = working_text(text).text.strip()
    lead = _MARKED.match(w)
    pos = lead.end() if lead else 0
    found = match_date_at(w, pos, today=today)
    if found is None or w[found.end :].strip(" .,)"):
        raise DateError(f"อ่านวันที่ไม่ออก: {text.strip()[:40]}")
    if found.error:
        raise DateError(found.error)
    assert found.value is not None
    return found.value


def thai_date(date: dt.date, *, thai_digits: bool = False, short: bool = False) -> str:
    """``5 ตุลาคม 2567`` or, short, ``5 ต.ค. 67``; Thai digits on request.

    A short year is written with two digits only within 2500-2599, where the parser reads
    two digits back to the same year.
    """
    be = date.year + 543
    if short:
        year = f"{be % 100:02d}" if 2500 <= be <= 2599 else str(be)
        text = f"{date.day} {MONTHS_SHORT[date.month - 1]} {year}"
    else:
        text = f"{date.day} {MONTHS[date.month - 1]} {be}"
    return to_thai_digits(text) if thai_digits else text
