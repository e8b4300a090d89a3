"""Draw neutral Replies for LINE, one message per answer: a reply with a card is ONE Flex bubble
(its lead sentence, if any, inside the bubble; the plain text as the Thai ``altText`` that
notifications and old clients show), a list answer (``items``) ONE carousel of up to 12
bubbles, anything else plain text that a desktop user can copy. Postback buttons in a bubble
work on LINE for PC too, unlike quick replies and the rich menu. Quick replies ride on the
message. Output is the JSON the Messaging API takes; ``batches`` cuts it into calls of at most
5 messages.

Limits (Messaging API reference): text 5,000 UTF-16 units; altText 400 characters; 13 quick
replies; action labels 20 characters in a quick reply and 40 in a Flex button; a carousel 12
bubbles and 50 KB of JSON, a bubble 30 KB. Labels are shortened by the handlers
(handlers.context.label); a label still too long is cut here only at a word boundary, with a
warning in the log, never in the middle of a word.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from bot.cardtext import lead
from bot.textsplit import split_text, utf16_units
from handlers.models import Button, Card, Reply

log = logging.getLogger("saraban.line")

MAX_MESSAGES_PER_CALL = 5
MAX_TEXT_UNITS = 5000
MAX_ALT_TEXT = 400
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20  # a quick reply's action label
MAX_BUTTON_LABEL = 40  # a Flex button's action label
MAX_CARD_BUTTONS = 8
MAX_BUBBLES = 12  # per carousel
MAX_CAROUSEL_BYTES = 50_000
MAX_BUBBLE_BYTES = 30_000
MAX_FIELD_VALUE = 1_000  # a card value longer than this is cut (keeps a bubble well under 30 KB)

TONE_COLOURS = {"info": "#1565C0", "success": "#2E7D32", "warning": "#EF6C00", "danger": "#C62828"}
BADGE_COLOURS = {"ด่วนที่สุด": "#C62828", "ด่วนมาก": "#D84315", "ด่วน": "#EF6C00", "ลับที่สุด": "#4A148C",
                 "ลับมาก": "#6A1B9A", "ลับ": "#7B1FA2"}


def label(text: str, limit: int = MAX_LABEL) -> str:
    """*text* as an action label of at most *limit* characters. The handlers keep labels short;
    one that is not is cut at the last word boundary that fits (Thai has no spaces: PyThaiNLP
    finds the words), logged, never in the middle of a word."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    words = _words(text)
    out = ""
    for word in words:
        if len(out) + len(word) > limit - 1:
            break
        out += word
    out = out.rstrip() or text[: limit - 1]  # one word longer than the label: nothing better to do
    log.warning("label %r longer than LINE's %d characters: shown as %r", text, limit, out + "…")
    return out + "…"


def _words(text: str) -> list[str]:
    try:
        from pythainlp.tokenize import word_tokenize

        return word_tokenize(text, keep_whitespace=True)
    except Exception:  # noqa: BLE001 - no dictionary: spaces are the only boundaries we know
        parts = text.split(" ")
        return [p + " " for p in parts[:-1]] + parts[-1:]


def postback(button: Button, limit: int = MAX_LABEL) -> dict[str, Any]:
    """The button's action: a URI action for an absolute link (bot.links), else a postback."""
    if button.url and button.url.startswith("https://"):
        return {"type": "uri", "label": label(button.label, limit), "uri": button.url}
    return {"type": "postback", "label": label(button.label, limit), "data": button.payload,
            "displayText": label(button.label, 300)}


def quick_reply(buttons: Iterable[Button]) -> dict[str, Any] | None:
    items = [{"type": "action", "action": postback(b)} for b in list(buttons)[:MAX_QUICK_REPLIES]]
    return {"items": items} if items else None


def bubble(card: Card, intro: str = "") -> dict[str, Any]:
    """One card as a Flex bubble; *intro* (the reply's lead sentence) above its title."""
    colour = TONE_COLOURS.get(card.tone, TONE_COLOURS["info"])
    body: list[dict[str, Any]] = []
    if intro:
        body.append({"type": "text", "text": intro, "size": "sm", "wrap": True, "color": "#263238"})
        body.append({"type": "separator", "margin": "md"})
    body.append({"type": "text", "text": card.title or " ", "weight": "bold", "size": "md", "wrap": True,
                 "color": colour, **({"margin": "md"} if intro else {})})
    if card.badges:
        body.append({"type": "box", "layout": "horizontal", "spacing": "sm", "margin": "sm", "contents": [
            {"type": "text", "text": b, "size": "xs", "weight": "bold", "flex": 0,
             "color": BADGE_COLOURS.get(b, "#455A64")} for b in card.badges]})
    if card.fields:
        body.append({"type": "separator", "margin": "md"})
        body.append({"type": "box", "layout": "vertical", "spacing": "sm", "margin": "md", "contents": [
            {"type": "box", "layout": "baseline", "spacing": "sm", "contents": [
                {"type": "text", "text": f.label or " ", "size": "sm", "color": "#78909C", "flex": 2, "wrap": True},
                {"type": "text", "text": _value(f.value), "size": "sm", "color": "#263238", "flex": 5, "wrap": True},
            ]} for f in card.fields]})
    if card.footer:
        body.append({"type": "text", "text": card.footer, "size": "xs", "color": "#90A4AE", "wrap": True,
                     "margin": "md"})
    out: dict[str, Any] = {"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": body}}
    if card.buttons:
        out["footer"] = {"type": "box", "layout": "vertical", "spacing": "sm", "contents": [
            _flex_button(b) for b in card.buttons[:MAX_CARD_BUTTONS]]}
    return out


def _value(value: str) -> str:
    value = value or "-"
    return value if len(value) <= MAX_FIELD_VALUE else value[: MAX_FIELD_VALUE - 1] + "…"


def _flex_button(button: Button) -> dict[str, Any]:
    # shrink-to-fit: a long Thai label is shown whole in a smaller font rather than cut
    b: dict[str, Any] = {"type": "button", "action": postback(button, MAX_BUTTON_LABEL), "height": "sm",
                         "adjustMode": "shrink-to-fit"}
    if button.style == "primary":
        b["style"] = "primary"
    elif button.style == "danger":
        b.update(style="primary", color=TONE_COLOURS["danger"])
    else:
        b["style"] = "secondary"
    return b


def alt_text(text: str, fallback: str) -> str:
    """The answer's plain text for notifications and old clients, its lines kept, ≤ 400 characters."""
    lines = [" ".join(line.split()) for line in (text or fallback or "ข้อความ").splitlines()]
    alt = "\n".join(line for line in lines if line) or "ข้อความ"
    return alt if len(alt) <= MAX_ALT_TEXT else alt[: MAX_ALT_TEXT - 1] + "…"


def carousel(cards: tuple[Card, ...], intro: str = "") -> dict[str, Any]:
    """Up to 12 bubbles, within 50 KB; items that do not fit are counted on the last bubble."""
    bubbles = [bubble(c, intro if i == 0 else "") for i, c in enumerate(cards[:MAX_BUBBLES])]

    def more(n: int) -> dict[str, Any]:
        return bubble(Card(title=f"และอีก {n} รายการ", footer="พิมพ์คำค้นให้แคบลงเพื่อดูรายการที่เหลือ"))

    if len(cards) > MAX_BUBBLES:
        bubbles[-1] = more(len(cards) - MAX_BUBBLES + 1)
    while len(bubbles) > 1 and len(json.dumps({"type": "carousel", "contents": bubbles},
                                              ensure_ascii=False).encode()) > MAX_CAROUSEL_BYTES:
        bubbles = bubbles[:-2] + [more(len(cards) - len(bubbles) + 2)]
    return {"type": "carousel", "contents": bubbles}


def messages(reply: Reply) -> list[dict[str, Any]]:
    """One Reply as ONE LINE message (a Flex bubble, a carousel, or its text), except a text
    longer than 5,000 UTF-16 units, which is split. Quick replies ride on the last message."""
    text = (reply.text or "").strip()
    out: list[dict[str, Any]] = []
    if reply.items:
        first = reply.items[0].title
        out.append({"type": "flex", "altText": alt_text(text, first), "contents": carousel(reply.items, lead(reply))})
    elif reply.card is not None:
        out.append({"type": "flex", "altText": alt_text(text, reply.card.title),
                    "contents": bubble(reply.card, lead(reply))})
    elif text:
        out.extend({"type": "text", "text": piece} for piece in split_text(text, MAX_TEXT_UNITS, utf16_units))
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
