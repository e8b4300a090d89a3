"""A scan sent right after a registration is downloaded through the SDK and attached."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from registry.models import Attachment
from tests.bot.test_flows import register

PDF = b"%PDF-1.4\n" + b"scan of the letter " * 500


def test_line_file_is_downloaded_and_attached(stack):
    clerk = stack.line_user()
    stack.link("line", clerk.user_id, stack.demo.person("clerk"))
    letter_id = register(clerk)
    stack.line_api.contents["325708"] = (PDF, "application/pdf")
    res = clerk.post(clerk.file_body("325708", "scan.pdf", len(PDF)))
    assert res.status_code == 200
    assert "แนบ" in clerk.text_of(clerk.new())
    assert stack.line_api.calls("/v2/bot/message/325708/content", ok=True)
    with stack.runtime.read() as s:
        att = s.execute(select(Attachment)).scalar_one()
        assert att.letter_id == letter_id and att.sha256 == hashlib.sha256(PDF).hexdigest() and att.size == len(PDF)


def test_telegram_document_is_downloaded_and_attached(stack):
    clerk = stack.tg_user()
    stack.link("telegram", str(clerk.user_id), stack.demo.person("clerk"))
    letter_id = register(clerk)
    stack.tg_api.files["AwADBAADbXXXXXXXXXXXGBdhD2l6_XX"] = (PDF, "documents/file_1.pdf")
    res = clerk.post(clerk.document_update("AwADBAADbXXXXXXXXXXXGBdhD2l6_XX", "Testfile.pdf", len(PDF)))
    assert res.status_code == 200
    assert "แนบ" in clerk.text_of(clerk.new())
    assert stack.tg_api.calls("/file/bot", ok=True)
    with stack.runtime.read() as s:
        att = s.execute(select(Attachment)).scalar_one()
        assert att.letter_id == letter_id and att.sha256 == hashlib.sha256(PDF).hexdigest()


def test_a_line_file_gone_from_line_is_told_and_logged_in_one_line(stack, caplog):
    import logging

    clerk = stack.line_user()
    stack.link("line", clerk.user_id, stack.demo.person("clerk"))
    register(clerk)
    with caplog.at_level(logging.INFO):
        res = clerk.post(clerk.file_body("999404", "gone.pdf", 100))  # the fake answers 404
    assert res.status_code == 200
    assert clerk.new(), "the clerk is answered"
    assert stack.line_api.calls("/v2/bot/message/999404/content", ok=False)
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records if r.exc_info]
    with stack.runtime.read() as s:
        assert s.execute(select(Attachment)).first() is None
