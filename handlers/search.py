"""ค้นหา <คำค้น>: the person's units' registers (and letters forwarded to them), newest first.

Classified letters are left out of chat search: a hit on a word would tell the chat what a
secret letter is about.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from handlers import payloads, texts
from handlers.cards import letter_card, number_of, one_line
from handlers.context import Ctx, say
from handlers.cards import label
from handlers.models import Button, Reply
from registry.models import Assignment, Letter
from registry.permissions import acting_for
from registry.search import LetterQuery, search_letters

SHOWN = 8


def search(ctx: Ctx, result: Any, text: str = "") -> list[Reply]:
    query = result.value("query")
    if not query:
        return [say(texts.SEARCH_NEED_QUERY)]
    units = list({u for u, _ in ctx.roles})
    mine = select(Assignment.letter_id).where(Assignment.person_id.in_(acting_for(ctx.session, ctx.person.id, ctx.now)))
    total, letters = search_letters(ctx.session, LetterQuery(q=str(query), limit=SHOWN), where=(
        Letter.secrecy.is_(None), or_(Letter.unit_id.in_(units), Letter.id.in_(mine))))
    if not total:
        return [say(texts.SEARCH_NONE.format(query=query))]
    lines = [texts.SEARCH_HEAD.format(total=total, shown=len(letters))]
    lines += [f"• {one_line(lt)}" for lt in letters]
    items = tuple(letter_card(lt, f"{texts.FIELD_LABEL['number'] if lt.direction == 'incoming' else 'เลขที่'} "
                                  f"{number_of(lt)}", with_status=True,
                              buttons=(Button(label(f"{texts.BUTTON['status']} {number_of(lt)}"),
                                              payloads.make("st", lt.id)),))
                  for lt in letters)
    return [Reply(text="\n".join(lines), items=items)]
