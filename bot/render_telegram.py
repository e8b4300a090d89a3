"""Draw neutral Replies for Telegram: HTML text (escaped), inline keyboards with callback_data,
messages split at 4,096 characters on line boundaries so no tag is ever cut in two.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import Any

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


def keyboard(card_buttons: Iterable[Button], quick: Iterable[Button]) -> list[list[dict[str, str]]] | None:
    rows: list[list[dict[str, str]]] = []
    card_buttons, quick = list(card_buttons), list(quick)
    for i in range(0, len(card_buttons), 2):
        rows.append([{"text": b.label, "callback_data": b.payload} for b in card_buttons[i:i + 2]])
    for i in range(0, len(quick), 3):
        rows.append([{"text": b.label, "callback_data": b.payload} for b in quick[i:i + 3]])
    return rows or None


def messages(reply: Reply) -> list[TgMessage]:
    """One Reply as Telegram messages; the keyboard goes on the last piece."""
    lines: list[str] = []
    text = (reply.text or "").strip()
    if text and not (reply.card and text == reply.card.title):
        # Escape per piece so an entity such as &amp; is never cut in two.
        for raw_line in text.split("\n"):
            lines.extend(esc(piece) for piece in split_text(raw_line, MAX_TEXT // 6))
    if reply.card is not None:
        if lines:
            lines.append("")
        lines.extend(_card_lines(reply.card))
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
    kb = keyboard(reply.card.buttons if reply.card else (), reply.quick_replies)
    out = [TgMessage(p if p.strip() else " ") for p in pieces]
    if kb:
        out[-1] = TgMessage(out[-1].text, kb)
    return out


def render(replies: Iterable[Reply]) -> list[TgMessage]:
    return [m for r in replies for m in messages(r)]
