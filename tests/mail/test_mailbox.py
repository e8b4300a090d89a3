"""The saraban mailbox against a real dovecot (IMAPS) and a real SMTP server (aiosmtpd, STARTTLS):
e-mail → draft card to the unit's clerks → [ยืนยันลงรับ] → เลขรับ, files + .eml attached, stamped
copy → แจ้งเลขรับ e-mailed to the sender. Exactly once across restarts; broken mail set aside."""

from __future__ import annotations

import asyncio
import email
import email.policy
import hashlib
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from handlers import notice_replies
from registry.accounts import issue_link_code
from registry.events import Actor
from registry.models import Attachment, Event, Letter, MailMessage, OutboxMessage
from tests.handlers.conftest import Chat, button, everything
from tests.mail import messages
from tests.mail.conftest import OUR_ADDRESS, UNIT

_accounts = itertools.count(1)


def linked(runtime, demo, role: str = "clerk", unit: str = UNIT) -> Chat:
    with runtime.transaction() as s:
        issued = issue_link_code(s, demo.person(role, unit), actor=Actor(None, "test"), clock=runtime.clock)
    chat = Chat(runtime, f"U-mail-{role}-{next(_accounts)}")
    chat.say(f"ผูกบัญชี {issued.code}")
    assert "ผูกบัญชีเรียบร้อยแล้ว" in chat.text, chat.text
    return chat


def reader(runtime, settings):
    from bot.mail import MailboxReader

    return MailboxReader(runtime, settings)


def cards_for(runtime, chat: Chat):
    with runtime.read() as s:
        rows = list(s.execute(select(OutboxMessage).where(
            OutboxMessage.kind == "mail_draft", OutboxMessage.chat_id == chat.account).order_by(OutboxMessage.id)).scalars())
    return [r for m in rows for r in notice_replies(runtime, m)]


def mail_rows(runtime) -> list[MailMessage]:
    with runtime.read() as s:
        return list(s.execute(select(MailMessage).order_by(MailMessage.uid)).scalars())


def deliver_mail(runtime, settings):
    from bot.deliver import Deliverer
    from bot.mail import MailGateway

    deliverer = Deliverer(runtime, {"mail": MailGateway(settings)})
    deliverer.schedule_reminders = False
    return asyncio.run(deliverer.run_once())


def test_an_emailed_pdf_letter_is_registered_by_a_clerk_and_the_sender_is_told_its_number(
        runtime, demo, mail_settings, imap_server, smtp_server, tmp_path):
    clerk = linked(runtime, demo)
    pdf = messages.letter_pdf()
    imap_server.append(messages.with_pdf(pdf=pdf, message_id="<letter-1@dla.go.th>"))

    report = reader(runtime, mail_settings).poll()
    assert (report.drafts, report.set_aside) == (1, 0)

    # the clerk's card: the letter's fields read from the PDF's text layer, and the buttons
    [card] = cards_for(runtime, clerk)
    text = everything([card])
    assert "หนังสือเข้าทางอีเมล" in text and messages.SENDER in text
    assert "มท 0808.2/ว 1095" in text and "ขอเชิญประชุมเชิงปฏิบัติการการจัดทำแผนพัฒนาท้องถิ่น" in text
    assert "แบบตอบรับ.docx" in text  # a file that is not the letter is named, kept inside the .eml
    clerk.last = [card]

    done = clerk.tap("ยืนยันลงรับ")
    assert done[0].card is not None and done[0].card.title.startswith("ลงรับแล้ว"), clerk.text
    assert "1/2569" in done[0].card.title

    # the stamp is drawn after the registration's transaction, by the mailbox worker's next turn
    from handlers.stamped import stamp_waiting

    with runtime.read() as s:
        assert s.execute(select(Attachment.stamped_path).where(Attachment.content_type == "application/pdf")).scalar() is None
    assert stamp_waiting(runtime) == 1 and stamp_waiting(runtime) == 0

    with runtime.read() as s:
        letter = s.execute(select(Letter)).unique().scalar_one()
        assert letter.subject == "ขอเชิญประชุมเชิงปฏิบัติการการจัดทำแผนพัฒนาท้องถิ่น"
        assert letter.ref_no == "มท 0808.2/ว 1095" and letter.sender == "กรมส่งเสริมการปกครองท้องถิ่น"
        files = {a.content_type: a for a in s.execute(select(Attachment)).scalars()}
        assert set(files) == {"application/pdf", "message/rfc822"}
        original = files["application/pdf"]
        assert original.sha256 == hashlib.sha256(pdf).hexdigest()
        assert (runtime.attachments_dir / original.storage_path).read_bytes() == pdf  # kept as received
        assert original.stamped_path and original.stamped_sha256 != original.sha256
        stamped = (runtime.attachments_dir / original.stamped_path).read_bytes()
        eml = (runtime.attachments_dir / files["message/rfc822"].storage_path).read_bytes()
        assert email.message_from_bytes(eml)["Message-ID"] == "<letter-1@dla.go.th>"
        kinds = [e.kind for e in s.execute(select(Event).order_by(Event.seq)).scalars()]
    assert "mail.received" in kinds and "mail.registered" in kinds and "attachment.stamped" in kinds
    from tests.admin_api.test_stamped_copy import TOP_RIGHT, ink_share, render_page1

    assert ink_share(render_page1(stamped, tmp_path / "r"), TOP_RIGHT) > 0.01

    # แจ้งเลขรับ: one e-mail to the sender, through the real SMTP server (STARTTLS)
    assert deliver_mail(runtime, mail_settings).sent == 1
    assert deliver_mail(runtime, mail_settings).sent == 0
    [(mail_from, rcpt, raw)] = smtp_server.messages
    assert mail_from == OUR_ADDRESS and rcpt == [messages.SENDER]
    notice = email.message_from_bytes(raw, policy=email.policy.default)
    body = notice.get_content()
    assert notice["Subject"].startswith("แจ้งเลขรับ 1/2569")
    with runtime.read() as s:
        unit_name = s.get(Letter, letter.id).unit.name
    assert "เลขรับ: 1/2569" in body and f"หน่วยงานผู้รับ: {unit_name}" in body
    assert "วันและเวลาที่รับ:" in body and " 2569 เวลา " in body  # พ.ศ.

    # a second press, and a second poll, do nothing twice
    again = clerk.press(button([card], "ยืนยันลงรับ"))
    assert "ลงรับไปแล้ว" in everything(again)
    assert reader(runtime, mail_settings).poll().drafts == 0
    with runtime.read() as s:
        assert len(s.execute(select(Letter)).unique().scalars().all()) == 1
        assert len(s.execute(select(OutboxMessage).where(OutboxMessage.kind == "mail_receipt")).scalars().all()) == 1


def test_restart_mid_mailbox_broken_and_repeated_mail_each_taken_in_once(runtime, demo, mail_settings, imap_server):
    from registry.runtime import Runtime

    clerk = linked(runtime, demo)
    imap_server.append(messages.with_pdf(message_id="<a@dla.go.th>"))
    imap_server.append(messages.broken_mime())
    imap_server.append(messages.in_body(message_id="<c@dopa.go.th>"))
    imap_server.append(messages.with_pdf(message_id="<a@dla.go.th>"))  # the same letter sent again
    imap_server.append(messages.not_a_letter())
    imap_server.append(messages.with_photo())

    # the first reader stops after two messages (a restart)
    assert reader(runtime, mail_settings).poll(limit=2).drafts == 1
    assert [m.uid for m in mail_rows(runtime)] == [1, 2]

    # the next one dies while storing message 3 (its attachments directory is not a directory):
    # nothing of message 3 is recorded
    broken_dir = runtime.attachments_dir.parent / "not-a-directory"
    broken_dir.write_text("x")
    crashing = Runtime(runtime.engine, runtime.sessions, runtime.clock, broken_dir)
    with pytest.raises(OSError):
        reader(crashing, mail_settings).poll()
    assert [m.uid for m in mail_rows(runtime)] == [1, 2]

    # the mail server restarts too (same Maildir, same UIDVALIDITY); a fresh reader takes in the rest
    imap_server.stop()
    restarted = type(imap_server).start(imap_server.root, imap_server.cert, imap_server.root / ".." / "key.pem")
    mail_settings = mail_settings.model_copy(update={"mail_imap_port": restarted.port})
    try:
        report = reader(runtime, mail_settings).poll()
        assert (report.drafts, report.set_aside) == (2, 2)  # 3 and 6; 4 (a repeat) and 5 (no letter)
        assert reader(runtime, mail_settings).poll().drafts == 0
    finally:
        restarted.stop()

    rows = mail_rows(runtime)
    assert [m.uid for m in rows] == [1, 2, 3, 4, 5, 6]
    status = {m.uid: (m.status, m.reason) for m in rows}
    assert status[1][0] == "draft" and status[3][0] == "draft" and status[6][0] == "draft"
    assert status[2][0] == "set_aside" and "โครงสร้างอีเมลเสียหาย" in status[2][1]
    assert status[4][0] == "duplicate" and "ซ้ำ" in status[4][1]
    assert status[5][0] == "set_aside" and "ไม่พบหนังสือ" in status[5][1]
    # the broken message is kept whole (its .eml) and listed with its reason: never lost
    broken = rows[1]
    assert [f["content_type"] for f in broken.files] == ["message/rfc822"]
    assert (runtime.attachments_dir / broken.files[0]["storage_path"]).read_bytes().startswith(b"From: Broken")
    assert broken.from_address == "broken@example.go.th"
    # one card per draft to the clerk, none for the others
    titles = [r.card.title for r in cards_for(runtime, clerk)]
    assert len(titles) == 3 and all(t.startswith("หนังสือเข้าทางอีเมล") for t in titles)
    # the photo's letter is not read here (OCR is the scan/ room's): the e-mail's own subject and
    # sender stand in, marked for the clerk to check
    assert rows[5].fields["subject"] == "ภาพถ่ายหนังสือ" and set(rows[5].fields["doubtful"]) >= {"subject", "sender"}
    assert "ภาพถ่ายหนังสือ (โปรดตรวจสอบ)" in everything(cards_for(runtime, clerk)[2:])
    # the body-only letter's fields came from the body
    assert rows[2].fields["ref_no"] == "มท 0309.1/ว 4521" and rows[2].fields["subject"].startswith("การจัดงานวันรัฐธรรมนูญ")


def test_dismiss_and_secret_letters_and_strangers(runtime, demo, mail_settings, imap_server):
    clerk = linked(runtime, demo)
    owner = linked(runtime, demo, "owner")
    imap_server.append(messages.in_body(message_id="<x@dopa.go.th>"))
    reader(runtime, mail_settings).poll()
    [card] = cards_for(runtime, clerk)
    assert cards_for(runtime, owner) == []  # drafts go to clerks only
    # an owner (not a clerk of the unit) cannot register it
    refused = owner.press(button([card], "ยืนยันลงรับ"))
    assert "ลงรับแล้ว" not in everything(refused)
    clerk.last = [card]
    answer = clerk.tap("ไม่ลงรับ")
    assert "ไม่ลงรับ" in everything(answer)
    assert "ไม่ลงรับ" in everything(clerk.press(button([card], "ยืนยันลงรับ")))  # stays dismissed
    with runtime.read() as s:
        assert s.execute(select(Letter)).first() is None
    assert mail_rows(runtime)[0].status == "dismissed"


def test_saraban_mail_command_reads_the_mailbox_and_sends_receipts(runtime, demo, database_url, mail_settings,
                                                                     imap_server, smtp_server):
    """The CLI, as an operator runs it (a separate process, settings from the environment)."""
    clerk = linked(runtime, demo)
    imap_server.append(messages.in_body(message_id="<cli@dopa.go.th>"))
    env = {**os.environ, "SARABAN_DATABASE_URL": database_url, "SARABAN_ATTACHMENTS_DIR": str(runtime.attachments_dir),
           "SARABAN_DEMO": "1"}
    for key, value in mail_settings.model_dump().items():
        if key.startswith("mail_") and value is not None:
            env[f"SARABAN_{key.upper()}"] = value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
    cli = [sys.executable, "-m", "saraban.cli", "mail", "--once"]
    out = subprocess.run(cli, env=env, capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[2])
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1])["drafts"] == 1
    [card] = cards_for(runtime, clerk)
    clerk.last = [card]
    clerk.tap("ยืนยันลงรับ")
    out = subprocess.run(cli, env=env, capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[2])
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"drafts": 0, "set_aside": 0, "seen": 0, "stamped": 0,
                                                                 "receipts_sent": 1}
    assert [rcpt for _f, rcpt, _r in smtp_server.messages] == [["saraban@dopa.go.th"]]


def test_smtp_refusal_is_retried_not_lost(runtime, demo, mail_settings, imap_server, smtp_server):
    clerk = linked(runtime, demo)
    imap_server.append(messages.in_body(message_id="<retry@dopa.go.th>"))
    reader(runtime, mail_settings).poll()
    clerk.last = cards_for(runtime, clerk)
    clerk.tap("ยืนยันลงรับ")
    smtp_server.refuse = 451  # a temporary failure
    report = deliver_mail(runtime, mail_settings)
    assert report.failed == 1 and smtp_server.messages == []
    smtp_server.refuse = None
    runtime.clock.advance(seconds=30) if hasattr(runtime.clock, "advance") else None
    assert deliver_mail(runtime, mail_settings).sent == 1
    assert len(smtp_server.messages) == 1


def test_an_oversized_message_is_set_aside_unread_and_stays_in_the_mailbox(runtime, demo, mail_settings, imap_server):
    imap_server.append(messages.with_pdf(message_id="<big@dla.go.th>"))
    small = mail_settings.model_copy(update={"mail_max_bytes": 2000})
    report = reader(runtime, small).poll()
    assert (report.drafts, report.set_aside) == (0, 1)
    [row] = mail_rows(runtime)
    assert row.status == "set_aside" and "ใหญ่เกินไป" in row.reason and "ยังอยู่ในกล่องจดหมาย" in row.reason
    imap = imap_server.client()
    try:
        imap.select("INBOX", readonly=True)
        assert imap.uid("SEARCH", None, "ALL")[1][0].split() == [b"1"]  # nothing moved, flagged or deleted
        assert b"\\Seen" not in imap.uid("FETCH", "1", "(FLAGS)")[1][0]
    finally:
        imap.logout()


def test_the_server_reads_the_mailbox_beside_the_outbox_worker(runtime, demo, mail_settings, imap_server, smtp_server):
    """`saraban serve` (and `saraban worker`) poll the mailbox when SARABAN_MAIL_* is set."""
    import time

    from bot import build_channels

    settings = mail_settings.model_copy(update={"run_worker": True})
    channels = build_channels(runtime, settings)
    assert "mail" in channels.gateways and channels.mail_reader is not None
    imap_server.append(messages.in_body(message_id="<serve@dopa.go.th>"))

    async def run() -> None:
        await channels.start()
        try:
            deadline = time.monotonic() + 20
            while not mail_rows(runtime) and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
        finally:
            await channels.stop()

    asyncio.run(run())
    assert [m.status for m in mail_rows(runtime)] == ["draft"]


def test_a_draft_corrected_in_the_chat_then_confirmed_registers_once(runtime, demo, mail_settings, imap_server,
                                                                      smtp_server):
    clerk = linked(runtime, demo)
    other = linked(runtime, demo)
    imap_server.append(messages.with_pdf(message_id="<edit@dla.go.th>"))
    reader(runtime, mail_settings).poll()
    [card] = cards_for(runtime, clerk)
    clerk.last = [card]
    clerk.tap("แก้ไขก่อนลงรับ")
    assert "ยืนยัน" in clerk.text
    clerk.tap("เรื่อง")
    clerk.say("ขอเชิญประชุมจัดทำแผนพัฒนาท้องถิ่น (แก้ไขแล้ว)")
    done = clerk.tap("ยืนยัน")
    assert done[0].card.title.startswith("ลงรับแล้ว") and "1/2569" in done[0].card.title, clerk.text
    with runtime.read() as s:
        letter = s.execute(select(Letter)).unique().scalar_one()
        assert letter.subject == "ขอเชิญประชุมจัดทำแผนพัฒนาท้องถิ่น (แก้ไขแล้ว)"
        kinds = sorted(a.content_type for a in letter.attachments)
        assert kinds == ["application/pdf", "message/rfc822"]
    assert mail_rows(runtime)[0].status == "registered"
    assert deliver_mail(runtime, mail_settings).sent == 1
    from handlers.stamped import stamp_waiting

    assert stamp_waiting(runtime) == 1
    # the other clerk's card is now spent: no second number
    late = other.press(button([card], "ยืนยันลงรับ"))
    assert "ลงรับไปแล้ว เลขรับ 1/2569" in everything(late)


def test_a_clerk_editing_while_another_confirms_does_not_take_a_second_number(runtime, demo, mail_settings,
                                                                                imap_server):
    first, second = linked(runtime, demo), linked(runtime, demo)
    imap_server.append(messages.in_body(message_id="<race@dopa.go.th>"))
    reader(runtime, mail_settings).poll()
    [card] = cards_for(runtime, first)
    second.last = [card]
    second.tap("แก้ไขก่อนลงรับ")  # second starts correcting it
    first.press(button([card], "ยืนยันลงรับ"))  # first registers it meanwhile
    late = second.tap("ยืนยัน")
    assert "ลงรับไปแล้ว เลขรับ 1/2569" in everything(late)
    with runtime.read() as s:
        assert len(s.execute(select(Letter)).unique().scalars().all()) == 1


def test_a_pdf_that_cannot_be_stamped_keeps_its_original_and_is_not_retried(runtime, demo, mail_settings, imap_server):
    from handlers.stamped import stamp_waiting

    clerk = linked(runtime, demo)
    damaged = b"%PDF-1.7\n" + b"\x00damaged" * 40
    imap_server.append(messages.with_pdf(pdf=damaged, message_id="<damaged@dla.go.th>"))
    reader(runtime, mail_settings).poll()
    clerk.last = cards_for(runtime, clerk)
    assert clerk.tap("ยืนยันลงรับ")[0].card.title.startswith("ลงรับแล้ว")
    assert stamp_waiting(runtime) == 0
    with runtime.read() as s:
        pdf = s.execute(select(Attachment).where(Attachment.content_type == "application/pdf")).scalar_one()
        assert pdf.stamped_path is None and "PDF" in pdf.stamp_error
        assert (runtime.attachments_dir / pdf.storage_path).read_bytes() == damaged
        from registry.attachments import waiting_for_stamp

        assert waiting_for_stamp(s, ("application/pdf",)) == []  # not tried again


def test_a_secret_letter_by_email_shows_no_content_in_the_chat(runtime, demo, mail_settings, imap_server):
    from email.message import EmailMessage

    clerk = linked(runtime, demo)
    msg = EmailMessage()
    msg["From"] = "กรมการปกครอง <secret-desk@dopa.go.th>"
    msg["To"] = OUR_ADDRESS
    msg["Subject"] = "หนังสือ"
    msg["Message-ID"] = "<secret@dopa.go.th>"
    msg.set_content("ลับ\nด่วนที่สุด\nที่ มท 0309.1/ว 4521\nกรมการปกครอง\n1 ธันวาคม 2569\n"
                    "เรื่อง การรักษาความปลอดภัยบุคคลสำคัญ\nเรียน ผู้ว่าราชการจังหวัด\n")
    imap_server.append(msg.as_bytes())
    reader(runtime, mail_settings).poll()
    [card] = cards_for(runtime, clerk)
    text = everything([card])
    assert "ลับ" in text and "ด่วนที่สุด" in text
    for hidden in ("การรักษาความปลอดภัยบุคคลสำคัญ", "กรมการปกครอง", "มท 0309.1", "secret-desk@dopa.go.th"):
        assert hidden not in text, hidden
