"""ค้นหา <คำค้น>: the person's units' registers (and letters forwarded to them), newest first.

A period may follow the words: ``ตั้งแต่ 1/2/2569 ถึง 28 ก.พ. 69``, ``ถึง …``, ``วันที่ …`` (a day)
for the registered date, or the same after ``ลงวันที่`` / ``ลว.`` for the letter's own date.

Which letters a search may find is the one access rule (registry/access.py ``searchable``):
what the person may read, and never a classified letter (a hit on a word would tell the chat
what a secret letter is about).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from handlers import payloads, texts
from handlers.cards import letter_card, number_of, one_line
from handlers.context import Ctx, say
from handlers.cards import label
from handlers.models import Button, Reply
from nlp.dates import find_dates, thai_date
from nlp.normalize import working_text
from registry.search import LetterQuery, search_letters

SHOWN = 8

# What may stand before a date in a search: which date (ลงรับ / ลงวันที่) and which end of the period.
_LEAD = re.compile(r"(?:(?P<field>ลงรับ|ลงวันที่|ลว\.?)\s*)?(?:(?P<word>ตั้งแต่|ถึง|วันที่|-)\s*)?$")


@dataclass
class Period:
    words: str
    received: list = field(default_factory=lambda: [None, None])  # [from, to] registered date
    letter: list = field(default_factory=lambda: [None, None])  # [from, to] the letter's date
    error: str | None = None

    def describe(self) -> str:
        parts = []
        for label, day, (a, b) in (("ลงรับ", "ลงรับวันที่", self.received), ("ลงวันที่", "ลงวันที่", self.letter)):
            if a and a == b:
                parts.append(f"{day} {thai_date(a)}")
            elif a or b:
                parts.append(label + " ".join(x for x in (f"ตั้งแต่ {thai_date(a)}" if a else "",
                                                          f"ถึง {thai_date(b)}" if b else "") if x))
        return " · ".join(parts)


def split_period(query: str, today: dt.date) -> Period:
    """The words of a chat search and the period typed after them (dates in พ.ศ. or ค.ศ.).
    A date with nothing before it that names a period stays a word (``2/2569`` is a number)."""
    text = working_text(query).text
    kept, pos, last = [], 0, "received"
    period = Period("")
    for d in find_dates(text, today=today):
        lead = _LEAD.search(text, pos, d.start)
        if lead is None or not (lead.group("field") or lead.group("word")):
            continue
        if d.error:
            period.error = d.error
            return period
        kind = {"ลงรับ": "received", None: last}.get(lead.group("field"), "letter")
        ends = getattr(period, kind)
        word = lead.group("word")
        if word == "ตั้งแต่":
            ends[0] = d.value
        elif word in ("ถึง", "-"):
            ends[1] = d.value
        else:  # วันที่ …, ลงรับ …, ลงวันที่ …: that day
            ends[0] = ends[1] = d.value
        kept.append(text[pos:lead.start()])
        pos, last = d.end, kind
    kept.append(text[pos:])
    period.words = " ".join(" ".join(kept).split())
    return period


def search(ctx: Ctx, result: Any, text: str = "") -> list[Reply]:
    query = result.value("query")
    if not query:
        return [say(texts.SEARCH_NEED_QUERY)]
    period = split_period(str(query), ctx.today)
    if period.error:
        return [say(period.error)]
    if not period.words and not period.describe():
        return [say(texts.SEARCH_NEED_QUERY)]
    total, letters = search_letters(ctx.session, LetterQuery(
        q=period.words or None, received_from=period.received[0], received_to=period.received[1],
        letter_from=period.letter[0], letter_to=period.letter[1], limit=SHOWN), viewer=ctx.viewer, chat=True)
    when = period.describe()
    if not total:
        if when:
            return [say(texts.SEARCH_NONE_IN_PERIOD.format(query=period.words or "-", period=when))]
        return [say(texts.SEARCH_NONE.format(query=query))]
    lines = [texts.SEARCH_HEAD.format(total=total, shown=len(letters))]
    if when:
        lines.append(texts.SEARCH_PERIOD.format(period=when))
    lines += [f"• {one_line(lt)}" for lt in letters]
    items = tuple(letter_card(lt, f"{texts.FIELD_LABEL['number'] if lt.direction == 'incoming' else 'เลขที่'} "
                                  f"{number_of(lt)}", with_status=True,
                              buttons=(Button(label(f"{texts.BUTTON['status']} {number_of(lt)}"),
                                              payloads.make("st", lt.id)),))
                  for lt in letters)
    return [Reply(text="\n".join(lines), items=items)]
