"""Issue 11 through the web chat API: the officers' own words, scripted end to end."""

from __future__ import annotations

from sqlalchemy import select

from registry.models import Assignment, Letter
from tests.bot.test_flows import HEADER
from tests.bot.test_webchat import bare, buttons, send  # noqa: F401 - the fixture

__all__ = ["bare"]


def _texts(replies) -> str:
    return "\n".join(r["text"] for r in replies)


def test_a_conversation_in_the_officers_own_words(bare):  # noqa: F811
    http = bare.http
    clerk = http.post("/chat/api/session", json={"person_id": bare.demo.person("clerk")}).json()["chat_id"]
    owner = http.post("/chat/api/session", json={"person_id": bare.demo.person("owner")}).json()["chat_id"]
    # 2. a reply is not a header: no card, no draft
    said = send(http, clerk, text="ได้แล้วค่ะ เลขที่ 41")
    assert "ยืนยัน" not in [label for label, _ in buttons(said)]
    # 1. the card is confirmed by typing the button's word
    send(http, clerk, text=HEADER)
    receipt = send(http, clerk, text="ยืนยันค่ะ")
    assert "ลงรับแล้ว เลขรับ 1/" in _texts(receipt)
    # 3. a sentence with a name right after the receipt: that letter, that person; the purpose is asked
    chosen = send(http, clerk, text="ฝากส่งพี่สมชายด้วยนะคะ")
    assert "นายสมชาย รักงาน (เจ้าของเรื่อง)" in _texts(chosen)
    with bare.runtime.read() as s:
        assert s.execute(select(Assignment)).first() is None
    letter_id = next(int(p.split(":")[1]) for _, p in buttons(chosen) if p.startswith("fp:"))
    send(http, clerk, payload=f"fp:{letter_id}:act")
    # 4. the owner's bare acknowledgement, one item waiting
    done = send(http, owner, text="ได้รับแล้วครับผม")
    assert "รับทราบเลขรับ 1/" in _texts(done) and " เมื่อ " in _texts(done)
    # 5. a statement that would close asks first
    asked = send(http, owner, text="งานเลข 1 จบแล้วครับ")
    assert any(p.startswith("cl:") for _, p in buttons(asked))
    with bare.runtime.read() as s:
        assert s.execute(select(Assignment.status)).scalar_one() == "acknowledged"
        assert s.execute(select(Letter.status)).scalar_one() != "closed"
