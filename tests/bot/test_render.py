"""Drawing Replies at the platform limits."""

from __future__ import annotations

from bot import render_line, render_telegram
from bot.textsplit import split_text, utf16_units
from handlers.models import Button, Card, Field, Reply
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
    [text, flex] = render_line.messages(Reply(text="กรุณาตรวจสอบ", card=card()))
    assert text == {"type": "text", "text": "กรุณาตรวจสอบ"}
    assert flex["type"] == "flex" and flex["altText"] == "กรุณาตรวจสอบ"
    buttons = flex["contents"]["footer"]["contents"]
    assert [b["action"]["data"] for b in buttons] == ["cf:abc", "cx:abc"]
    assert all(b["action"]["type"] == "postback" for b in buttons)
    assert buttons[1]["color"] == render_line.TONE_COLOURS["danger"]
    # the SDK accepts what we draw
    from linebot.v3.messaging import PushMessageRequest

    PushMessageRequest.from_dict({"to": "U1", "messages": [text, flex]})


def test_line_label_cut_to_twenty():
    long = Button("นายสมชาย รักงาน เป็นเจ้าของเรื่อง", "fm:1:2")
    [msg] = render_line.messages(Reply(text="เลือก", quick_replies=(long,)))
    assert len(msg["quickReply"]["items"][0]["action"]["label"]) <= 20


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
