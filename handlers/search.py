"""ค้นหา <คำค้น>: the person's units' registers (and letters forwarded to them), newest first.

Which letters a search may find is the one access rule (registry/access.py ``searchable``):
what the person may read, and never a classified letter (a hit on a word would tell the chat
what a secret letter is about).
"""

from __future__ import annotations

from typing import Any

from handlers import payloads, texts
from handlers.cards import letter_card, number_of, one_line
from handlers.context import Ctx, say
from handlers.cards import label
from handlers.models import Button, Reply
from registry.search import LetterQuery, search_letters

SHOWN = 8


def search(ctx: Ctx, result: Any, text: str = "") -> list[Reply]:
    query = result.value("query")
    if not query:
        return [say(texts.SEARCH_NEED_QUERY)]
    total, letters = search_letters(ctx.session, LetterQuery(q=str(query), limit=SHOWN), viewer=ctx.viewer, chat=True)
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
