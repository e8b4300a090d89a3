"""Buttons that open a web page (the audit page, a letter's page).

A link button carries ``Button.url`` (a path of this server; the channel prefixes its public
address) and, for a channel that draws only postback buttons, the payload ``ln:<page>:<id>``:
pressed, it answers with the path as text, so the button is never dead.
"""

from __future__ import annotations

from handlers import payloads, texts
from handlers.context import Ctx, say
from handlers.models import Button, Reply

PAGES = {"audit": "/admin/audits/{id}", "letter": "/admin/letters/{id}"}


def link_button(label: str, page: str, ident: int) -> Button:
    return Button(label, payloads.make("ln", page, ident), "primary", url=PAGES[page].format(id=ident))


def open_link(ctx: Ctx, page: str, ident: int) -> list[Reply]:
    path = PAGES.get(page)
    if path is None:
        return [say(texts.STALE_BUTTON)]
    return [say(texts.OPEN_PAGE.format(path=path.format(id=ident)))]
