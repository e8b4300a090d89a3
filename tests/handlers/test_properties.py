"""Whatever a user types or presses, the conversation answers politely and never breaks."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.handlers.conftest import dev_case

WORDS = ["ลงรับ", "ที่", "มท 0201/5", "ลงวันที่", "31 ก.พ. 2569", "5 ต.ค. 67", "จาก", "กองคลัง", "เรื่อง",
         "ส่งต่อ", "ให้", "สมชาย", "เพื่อทราบ", "รับทราบ", "1", "1/2569", "ไม่ใช่งานของฉัน", "ปิดเรื่อง",
         "สถานะ", "ค้นหา", "งานของฉัน", "ยกเลิก", "ออกเลขหนังสือส่ง", "ลับมาก", "ด่วนที่สุด", "\n", "๑๒",
         "ไม่มี", "/start", "ผูกบัญชี", "ฝึกใช้งาน", "%", "'", '"', "\\", "\x00", "🙂"]
PAYLOADS = ["ack:1", "ret:1", "rr:1:nm", "fw:1", "fo:1:2", "fm:1:2", "fp:1:act", "cf:abc", "ed:abc",
            "cx:abc", "ef:abc:subject", "ev:abc:priority:urgent", "sk:abc:ref_no", "cl:1", "st:1", "my",
            "help", "stop", "tr:go", "tr:q:0:1", "tr:q:9:9", "tr:reg", "ack:999999", "fo:1:999999", "zz", ""]


@pytest.fixture
def clerk(link):
    chat = link("clerk")
    chat.say(dev_case("dev-005-a")["text"])
    chat.tap("ยืนยัน")
    return chat


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.one_of(
    st.tuples(st.just("say"), st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)),
    st.tuples(st.just("say"), st.text(max_size=40)),
    st.tuples(st.just("press"), st.sampled_from(PAYLOADS)),
), min_size=1, max_size=4))
def test_no_message_or_button_breaks_the_conversation(clerk, steps):
    for how, what in steps:
        replies = clerk.say(what) if how == "say" else clerk.press(what)
        assert isinstance(replies, list)
        for r in replies:
            assert r.text.strip()
            assert "ระบบขัดข้องชั่วคราว" not in r.text, (how, what, r.text)
