"""Draw neutral Replies for Telegram, one message per answer: the lead sentence (bot.cardtext)
and the card as HTML (escaped), its buttons and the quick replies as one inline keyboard; a list
answer (``items``) is one message with each item's lines and a row of its buttons per item. Only
a message longer than 4,096 characters is split, on line boundaries so no tag is ever cut in
two; the keyboard goes on the last piece.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import Any

from bot.cardtext import lead
from bot.textsplit import split_text
from handlers.models import Button, Card, Reply

MAX_TEXT = 4096


@dataclass(frozen=True)
class TgMessage:
    text: str  # HTML
    keyboard: list[list[dict[str, str]]] | None = None  # inline_keyboard rows

    def reply_markup(self) -> dict[str, Any] | None:
        return {"inline_keyboard": self.keyboard} if self.keyboard else None


def esc(text: str) -> str:
    return escape(text, quote=False)


def _card_lines(card: Card) -> list[str]:
    lines = [f"<b>{esc(card.title)}</b>"] if card.title else []
    if card.badges:
        lines.append(" ".join(f"【{esc(b)}】" for b in card.badges))
    lines.extend(f"<b>{esc(f.label)}</b>: {esc(f.value or '-')}" for f in card.fields)
    if card.footer:
        lines.append(f"<i>{esc(card.footer)}</i>")
    return lines


def _row(buttons: list[Button]) -> list[dict[str, str]]:
    # an absolute link (bot.links) opens in the browser; everything else calls back
    return [{"text": b.label, "url": b.url} if b.url and b.url.startswith("https://")
            else {"text": b.label, "callback_data": b.payload} for b in buttons]


def keyboard(card_buttons: Iterable[Button], quick: Iterable[Button],
             item_rows: Iterable[Iterable[Button]] = ()) -> list[list[dict[str, str]]] | None:
    rows: list[list[dict[str, str]]] = []
    card_buttons, quick = list(card_buttons), list(quick)
    for item in item_rows:  # one row per list item: its buttons side by side
        item = list(item)[:3]
        if item:
            rows.append(_row(item))
    for i in range(0, len(card_buttons), 2):
        rows.append(_row(card_buttons[i:i + 2]))
    for i in range(0, len(quick), 3):
        rows.append(_row(quick[i:i + 3]))
    return rows or None


def messages(reply: Reply) -> list[TgMessage]:
    """One Reply as one Telegram message (split only beyond 4,096 characters)."""
    lines: list[str] = []
    text = lead(reply)
    if text:
        # Escape per piece so an entity such as &amp; is never cut in two.
        for raw_line in text.split("\n"):
            lines.extend(esc(piece) for piece in split_text(raw_line, MAX_TEXT // 6))
    for card in ((reply.card,) if reply.card is not None else ()) + tuple(reply.items):
        if lines:
            lines.append("")
        lines.extend(_card_lines(card))
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines or [" "]:
        extra = len(line) + (1 if current else 0)
        if current and size + extra > MAX_TEXT:
            pieces.append("\n".join(current))
            current, size = [], 0
            extra = len(line)
        current.append(line)
        size += extra
    if current:
        pieces.append("\n".join(current))
    kb = keyboard(reply.card.buttons if reply.card else (), reply.quick_replies, (c.buttons for c in reply.items))
    out = [TgMessage(p if p.strip() else " ") for p in pieces]
    if kb:
        out[-1] = TgMessage(out[-1].text, kb)
    return out


def render(replies: Iterable[Reply]) -> list[TgMessage]:
    return [m for r in replies for m in messages(r)]
