"""Draw neutral Replies for LINE: a Flex bubble with postback buttons (LINE on PC shows it and its
buttons work there, unlike quick replies and the rich menu), quick replies, and plain text that a
desktop user can copy. Output is the JSON the Messaging API takes; ``batches`` cuts it into
calls of at most 5 messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.textsplit import split_text, utf16_units
from handlers.models import Button, Card, Reply

MAX_MESSAGES_PER_CALL = 5
MAX_TEXT_UNITS = 5000
MAX_ALT_TEXT = 400
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20  # quick reply and postback labels are cut by LINE beyond this
MAX_CARD_BUTTONS = 8

TONE_COLOURS = {"info": "#1565C0", "success": "#2E7D32", "warning": "#EF6C00", "danger": "#C62828"}
BADGE_COLOURS = {"ด่วนที่สุด": "#C62828", "ด่วนมาก": "#D84315", "ด่วน": "#EF6C00", "ลับที่สุด": "#4A148C",
                 "ลับมาก": "#6A1B9A", "ลับ": "#7B1FA2"}


def label(text: str, limit: int = MAX_LABEL) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def postback(button: Button) -> dict[str, Any]:
    return {"type": "postback", "label": label(button.label), "data": button.payload,
            "displayText": label(button.label, 300)}


def quick_reply(buttons: Iterable[Button]) -> dict[str, Any] | None:
    items = [{"type": "action", "action": postback(b)} for b in list(buttons)[:MAX_QUICK_REPLIES]]
    return {"items": items} if items else None


def bubble(card: Card) -> dict[str, Any]:
    colour = TONE_COLOURS.get(card.tone, TONE_COLOURS["info"])
    body: list[dict[str, Any]] = [
        {"type": "text", "text": card.title or " ", "weight": "bold", "size": "md", "wrap": True, "color": colour},
    ]
    if card.badges:
        body.append({"type": "box", "layout": "horizontal", "spacing": "sm", "margin": "sm", "contents": [
            {"type": "text", "text": b, "size": "xs", "weight": "bold", "flex": 0,
             "color": BADGE_COLOURS.get(b, "#455A64")} for b in card.badges]})
    if card.fields:
        body.append({"type": "separator", "margin": "md"})
        body.append({"type": "box", "layout": "vertical", "spacing": "sm", "margin": "md", "contents": [
            {"type": "box", "layout": "baseline", "spacing": "sm", "contents": [
                {"type": "text", "text": f.label or " ", "size": "sm", "color": "#78909C", "flex": 2, "wrap": True},
                {"type": "text", "text": f.value or "-", "size": "sm", "color": "#263238", "flex": 5, "wrap": True},
            ]} for f in card.fields]})
    if card.footer:
        body.append({"type": "text", "text": card.footer, "size": "xs", "color": "#90A4AE", "wrap": True,
                     "margin": "md"})
    out: dict[str, Any] = {"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": body}}
    if card.buttons:
        out["footer"] = {"type": "box", "layout": "vertical", "spacing": "sm", "contents": [
            _flex_button(b) for b in card.buttons[:MAX_CARD_BUTTONS]]}
    return out


def _flex_button(button: Button) -> dict[str, Any]:
    b: dict[str, Any] = {"type": "button", "action": postback(button), "height": "sm"}
    if button.style == "primary":
        b["style"] = "primary"
    elif button.style == "danger":
        b.update(style="primary", color=TONE_COLOURS["danger"])
    else:
        b["style"] = "secondary"
    return b


def messages(reply: Reply) -> list[dict[str, Any]]:
    """One Reply as LINE messages: its text (split at 5,000 UTF-16 units), then its card as a
    Flex bubble; quick replies ride on the last message (LINE shows only the last one's)."""
    out: list[dict[str, Any]] = []
    text = (reply.text or "").strip()
    if text and not (reply.card and text == reply.card.title):
        out.extend({"type": "text", "text": piece} for piece in split_text(text, MAX_TEXT_UNITS, utf16_units))
    if reply.card is not None:
        alt = text or reply.card.title or "การ์ด"
        out.append({"type": "flex", "altText": alt if len(alt) <= MAX_ALT_TEXT else alt[: MAX_ALT_TEXT - 1] + "…",
                    "contents": bubble(reply.card)})
    if not out:
        out.append({"type": "text", "text": " "})
    qr = quick_reply(reply.quick_replies)
    if qr:
        out[-1]["quickReply"] = qr
    return out


def render(replies: Iterable[Reply]) -> list[dict[str, Any]]:
    return [m for r in replies for m in messages(r)]


def batches(msgs: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """At most 5 messages per reply/push call (the Messaging API refuses more)."""
    return [msgs[i:i + MAX_MESSAGES_PER_CALL] for i in range(0, len(msgs), MAX_MESSAGES_PER_CALL)]
