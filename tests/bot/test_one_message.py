"""One answer, one message (issue 11 point 5): a card is never shown twice (once as text, once as
a card) on LINE, Telegram or the web chat, through a whole register → forward → acknowledge."""

from __future__ import annotations

import re

from tests.bot.robust_helpers import forward_to_owners
from tests.bot.test_flows import HEADER


def _line_problems(msgs: list[dict]) -> list[str]:
    """A text message that repeats a Flex message's content, or two Flex messages for one answer."""
    flex_alt = {m["altText"] for m in msgs if m.get("type") == "flex"}
    return [m["text"][:60] for m in msgs if m.get("type") == "text" and m["text"] in flex_alt]


def _tg_problems(texts: list[str]) -> list[str]:
    """A line shown twice in one Telegram message (the plain text and then the card)."""
    out = []
    for html in texts:
        lines = [re.sub(r"<[^>]+>", "", line).strip() for line in html.splitlines()]
        lines = [line for line in lines if line]
        out += [line for line in set(lines) if lines.count(line) > 1]
    return out


def test_every_answer_is_one_message_with_nothing_shown_twice(stack, user_factory, channel):
    clerk = user_factory(stack.demo.person("clerk"))
    owner = user_factory(2)
    card = clerk.say(HEADER)
    assert len(card) == 1, card  # the confirmation card: one message
    receipt = clerk.press(clerk.button(card, "cf:"))
    letter_id = int(clerk.button(receipt, "fw:").split(":")[1])
    forward_to_owners(stack, clerk, letter_id, [2])
    stack.deliver()
    notice = owner.new()
    assert len(notice) == 1
    owner.press(owner.button(notice, "ack:"))
    status = clerk.press(f"st:{letter_id}")
    assert len(status) == 1
    everything = clerk.messages() + owner.messages()
    if channel == "line":
        assert all(m["type"] == "flex" for m in card + receipt + notice + status)
        assert _line_problems(everything) == []
    else:
        assert _tg_problems([r.body["text"] for r in everything]) == []


def test_the_web_chat_json_carries_one_card_and_only_its_lead(stack):
    import uuid

    session = stack.http.post("/chat/api/session", json={"person_id": stack.demo.person("clerk")}).json()
    res = stack.http.post("/chat/api/send", json={"chat_id": session["chat_id"], "text": HEADER,
                                                  "message_id": uuid.uuid4().hex}).json()
    cards = [r for r in res["replies"] if r.get("card")]
    assert cards
    for r in cards:
        assert r["items"] == [] and r["card"]["title"] not in r["lead"]
        assert all(f"{f['label']}: {f['value']}" not in r["lead"] for f in r["card"]["fields"])
