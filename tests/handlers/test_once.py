"""handle_once: the event key and the work share one transaction, so an event acts exactly once."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers import handle_once
from handlers.models import Inbound
from registry.models import ConversationState, ProcessedInbound
from tests.handlers.conftest import dev_case


def _count(runtime, model) -> int:
    with runtime.read() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def _event(runtime, key: str, **kw) -> Inbound:
    return Inbound("line", key, "U-clerk", "U-clerk", at=runtime.clock.now(), **kw)


def test_a_redelivered_event_is_recorded_once_and_not_answered(runtime, link):
    link("clerk", account="U-clerk")
    header = _event(runtime, "line:e1", kind="text", text=dev_case("dev-005-a")["text"])
    first = handle_once(runtime, header)
    assert first and first[0].card.title == "ตรวจสอบก่อนลงรับ"
    assert handle_once(runtime, header) is None
    assert _count(runtime, ProcessedInbound) == 1 and _count(runtime, ConversationState) == 1


def test_a_refused_event_keeps_its_key_and_nothing_else(runtime, link):
    link("clerk", account="U-clerk")
    press = _event(runtime, "line:e2", kind="button", payload="ack:999999")  # no such forward
    answer = handle_once(runtime, press)
    assert answer and answer[0].text  # a polite Thai refusal, not silence
    assert _count(runtime, ProcessedInbound) == 1
    assert handle_once(runtime, press) is None  # its redelivery is not answered a second time
