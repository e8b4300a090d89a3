"""Drawing Replies at the platform limits."""

from __future__ import annotations

import json

from bot import render_line, render_telegram
from bot.textsplit import split_text, utf16_units
from handlers.models import Button, Card, Field, Reply
from tests.bot.harness import postbacks
from tests.fakes.telegram_api import html_problem


def card(**kw) -> Card:
    base = dict(title="ตรวจสอบก่อนลงรับ", fields=(Field("ที่", "มท 0808.2/ว 1095"), Field("เรื่อง", "ขอเชิญ <ประชุม> & หารือ")),
                badges=("ด่วนที่สุด",), buttons=(Button("ยืนยัน", "cf:abc", "primary"), Button("ยกเลิก", "cx:abc", "danger")))
    base.update(kw)
    return Card(**base)


def test_line_text_split_at_5000_utf16_units_with_emoji():
    text = ("😀" * 3000) + "\n" + ("ก" * 4000)  # each emoji is 2 UTF-16 units
    msgs = render_line.messages(Reply(text=text))
    assert len(msgs) >= 2
    assert all(utf16_units(m["text"]) <= 5000 for m in msgs)
    assert "".join(m["text"] for m in msgs).replace("\n", "") == text.replace("\n", "")
    assert all("\ud83d" not in m["text"] for m in msgs)  # no surrogate halves


def test_line_batches_of_five_and_quick_replies_on_last():
    replies = [Reply(text=f"ข้อ {i}", quick_replies=(Button("งานของฉัน", "my"),)) for i in range(12)]
    msgs = render_line.render(replies)
    batches = render_line.batches(msgs)
    assert [len(b) for b in batches] == [5, 5, 2]
    assert all("quickReply" in m for m in msgs)


def test_line_flex_bubble_has_postback_buttons_and_badges():
    [flex] = render_line.messages(Reply(text="กรุณาตรวจสอบ", card=card()))  # ONE message
    assert flex["type"] == "flex" and flex["altText"] == "กรุณาตรวจสอบ"
    body = flex["contents"]["body"]["contents"]
    assert body[0]["text"] == "กรุณาตรวจสอบ"  # the lead sentence sits inside the bubble
    buttons = flex["contents"]["footer"]["contents"]
    assert [b["action"]["data"] for b in buttons] == ["cf:abc", "cx:abc"]
    assert all(b["action"]["type"] == "postback" for b in buttons)
    assert buttons[1]["color"] == render_line.TONE_COLOURS["danger"]
    # the SDK accepts what we draw
    from linebot.v3.messaging import PushMessageRequest

    PushMessageRequest.from_dict({"to": "U1", "messages": [flex]})


def _plain(c: Card) -> str:
    from handlers.cards import card_text

    return card_text(c)


def test_a_card_whose_text_is_the_card_is_one_message_with_nothing_shown_twice():
    c = card()
    reply = Reply(text=_plain(c), card=c, quick_replies=(Button("งานของฉัน", "my"),))
    [flex] = render_line.messages(reply)
    assert flex["altText"].startswith(c.title) and len(flex["altText"]) <= 400
    shown = json.dumps(flex["contents"], ensure_ascii=False)
    assert shown.count("มท 0808.2/ว 1095") == 1 and shown.count(c.title) == 1
    assert flex["quickReply"]["items"][0]["action"]["data"] == "my"
    [tg] = render_telegram.messages(reply)
    assert tg.text.count("มท 0808.2/ว 1095") == 1 and tg.text.count(c.title) == 1
    assert [b["callback_data"] for row in tg.keyboard for b in row] == ["cf:abc", "cx:abc", "my"]
    from bot.gateway import reply_to_dict

    assert reply_to_dict(reply)["lead"] == ""


def _items(n: int) -> tuple[Card, ...]:
    return tuple(Card(title=f"เลขรับ {i}/2569", fields=(Field("เรื่อง", "ขอเชิญประชุม " * 5),),
                      buttons=(Button("รับทราบ", f"ack:{i}", "primary"), Button("ไม่ใช่งานของฉัน", f"ret:{i}")))
                 for i in range(1, n + 1))


def test_a_list_answer_is_one_line_carousel_of_at_most_twelve_bubbles_within_50kb():
    reply = Reply(text="งานของฉัน 20 รายการ\n" + "\n".join(f"• {i}/2569" for i in range(1, 21)), items=_items(20))
    [msg] = render_line.messages(reply)
    assert msg["type"] == "flex" and msg["contents"]["type"] == "carousel"
    bubbles = msg["contents"]["contents"]
    assert len(bubbles) == 12 and "และอีก 9 รายการ" in json.dumps(bubbles[-1], ensure_ascii=False)
    assert len(json.dumps(msg["contents"], ensure_ascii=False).encode()) <= 50_000
    assert bubbles[0]["body"]["contents"][0]["text"] == "งานของฉัน 20 รายการ"
    assert ("รับทราบ", "ack:1") in postbacks(bubbles[0])
    from linebot.v3.messaging import PushMessageRequest

    PushMessageRequest.from_dict({"to": "U1", "messages": [msg]})
    big = tuple(Card(title=f"{i}", fields=tuple(Field(f"ช่อง {j}", "ก" * 900) for j in range(6))) for i in range(12))
    [msg] = render_line.messages(Reply(text="ผลการค้นหา", items=big))
    assert len(json.dumps(msg["contents"], ensure_ascii=False).encode()) <= 50_000


def test_a_list_answer_is_one_telegram_message_with_a_button_row_per_item():
    [msg] = render_telegram.messages(Reply(text="งานของฉัน 3 รายการ\n• 1\n• 2\n• 3", items=_items(3)))
    assert msg.text.startswith("งานของฉัน 3 รายการ") and "• 1" not in msg.text
    assert [[b["callback_data"] for b in row] for row in msg.keyboard] == [
        [f"ack:{i}", f"ret:{i}"] for i in (1, 2, 3)]
    assert html_problem(msg.text) is None


def test_items_round_trip_through_the_outbox_json():
    from bot.gateway import reply_from_dict, reply_to_dict

    reply = Reply(text="ผลการค้นหา", items=_items(2), quick_replies=(Button("ช่วยเหลือ", "help"),))
    assert reply_from_dict(json.loads(json.dumps(reply_to_dict(reply)))) == reply


def test_line_label_cut_only_at_a_word_boundary():
    from pythainlp.tokenize import word_tokenize

    for text in ("นายสมชาย รักงาน เป็นเจ้าของเรื่อง", "ไม่ใช่งานในความรับผิดชอบของฉัน"):
        [msg] = render_line.messages(Reply(text="เลือก", quick_replies=(Button(text, "fm:1:2"),)))
        got = msg["quickReply"]["items"][0]["action"]["label"]
        assert len(got) <= 20 and got.endswith("…")
        words, prefix = word_tokenize(text, keep_whitespace=True), got[:-1]
        assert any("".join(words[:k]).rstrip() == prefix for k in range(1, len(words))), got
    fits = Button("ไม่ใช่งานในความรับผิดชอบของฉัน", "ret:1")  # 30 characters: whole on a Flex button
    [flex] = render_line.messages(Reply(text="x", card=Card(title="t", buttons=(fits,))))
    assert flex["contents"]["footer"]["contents"][0]["action"]["label"] == fits.label


def test_telegram_html_escaped_and_parses():
    msgs = render_telegram.messages(Reply(text="A & B <C>", card=card()))
    assert len(msgs) == 1
    text = msgs[0].text
    assert "&lt;ประชุม&gt; &amp; หารือ" in text and "A &amp; B &lt;C&gt;" in text
    assert html_problem(text) is None
    assert [b["callback_data"] for row in msgs[0].keyboard for b in row] == ["cf:abc", "cx:abc"]


def test_telegram_split_at_4096_keyboard_on_last():
    lines = "\n".join(f"บรรทัด {i} & <x>" for i in range(800))
    msgs = render_telegram.messages(Reply(text=lines, quick_replies=(Button("ช่วยเหลือ", "help"),)))
    assert len(msgs) >= 3
    assert all(len(m.text) <= 4096 and html_problem(m.text) is None for m in msgs)
    assert msgs[-1].keyboard and not any(m.keyboard for m in msgs[:-1])


def test_split_text_prefers_line_breaks():
    assert split_text("aaa\nbbb\nccc", 8) == ["aaa\nbbb", "ccc"]
    assert split_text("x" * 10, 4) == ["xxxx", "xxxx", "xx"]
