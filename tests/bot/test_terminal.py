"""``saraban chat --as``: the terminal talks to the same handlers."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from bot.terminal import TerminalChat
from registry.models import ChatAccount, Registration
from tests.bot.test_flows import HEADER


def test_terminal_registers_a_letter_by_number_buttons(runtime, demo):
    out = io.StringIO()
    lines = iter([HEADER, "1", "ออก"])
    TerminalChat(runtime, demo.person("clerk"), out=out).run(read=lambda prompt: next(lines))
    text = out.getvalue()
    assert "[1] ยืนยัน" in text
    assert "เลขรับ 1/" in text
    with runtime.read() as s:
        assert s.execute(select(func.count()).select_from(Registration)).scalar_one() == 1
        account = s.execute(select(ChatAccount).where(ChatAccount.channel == "terminal")).scalar_one()
        assert account.person_id == demo.person("clerk")
