"""What of a Reply's text each channel shows beside its cards, so every answer is ONE message.

A Reply carries ``text`` always: it is the whole answer in plain text, for channels without cards
(the terminal, LINE's altText and notifications). Handlers usually make it from the card itself
(handlers.cards.card_text), sometimes with a sentence before it (an instruction, a question). A
channel that draws the card shows only the *lead*: the text's lines that the card does not
already show. For a list answer (``items``) the lead is the text's first line (its heading); the
rest of the text is the plain list, which the item cards replace.
"""

from __future__ import annotations

from handlers.models import Card, Reply


def plain_lines(card: Card) -> list[str]:
    """The card as plain lines, as handlers.cards.card_text draws it."""
    lines = [card.title]
    if card.badges:
        lines.append(" ".join(f"[{b}]" for b in card.badges))
    lines += [f"{f.label}: {f.value}" for f in card.fields]
    if card.footer:
        lines.extend(card.footer.splitlines())
    return [line for line in lines if line]


def lead(reply: Reply) -> str:
    text = (reply.text or "").strip()
    if reply.items:
        return text.split("\n", 1)[0].strip()
    if reply.card is None or not text:
        return text
    shown = {" ".join(line.split()) for line in plain_lines(reply.card)}
    kept = [line for line in text.splitlines() if " ".join(line.split()) not in shown]
    return "\n".join(kept).strip()
