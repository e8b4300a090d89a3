"""Letters that came through the saraban mailbox (bot/mail.py): the draft card sent to the unit's
clerks, its buttons, and the receipt notice (แจ้งเลขรับ) e-mailed to the sender.

    e-mail ─► registry.mailbox.take_in ─► outbox "mail_draft" to each clerk
                                             │ card [ยืนยันลงรับ mc:<id>] [ไม่ลงรับ mx:<id>]
                                             ▼ mc:<id> (the row is locked: two clerks register once)
              registry.mailbox.confirm_mail ─► letter + files + .eml + stamped copies
                                             ─► outbox "mail_receipt" on the mail channel (SMTP)

Buttons (payloads ``mc:<mail id>`` and ``mx:<mail id>``) are routed from handlers.core.on_button.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from handlers import payloads, texts
from handlers.cards import badges, card_text, tone_for
from handlers.context import Ctx, say
from handlers.models import Button, Card, Field, Reply
from registry.commands import PRIORITY_TH, SECRECY_TH
from registry.models import Letter, MailMessage, OutboxMessage, Registration, Unit
from registry.timeutil import thai_date, thai_datetime

LETTER_FIELDS = ("ref_no", "letter_date", "sender", "addressee", "subject", "enclosures", "priority", "secrecy")
KINDS = ("mail_draft", "mail_receipt")
DRAFT_TITLE = "หนังสือเข้าทางอีเมล รอลงรับ"
CONFIRM = "ยืนยันลงรับ"
EDIT = "แก้ไขก่อนลงรับ"
DISMISS = "ไม่ลงรับ"


# --- reading the fields (called by bot/mail.py) ---------------------------------------------------

def read_fields(pages: list[str], body: str, *, today: dt.date,
                scanned: list[tuple[dict[str, Any], list[str]]] = ()) -> dict[str, Any]:
    """The letter fields by nlp's parser: from the letter's page (*scanned*: fields and doubtful
    ones as scan/ read an attachment, its text layer or OCR; *pages*: plain page text) when it
    yields more, else from the e-mail body (the letter pasted in, or a covering note)."""
    from nlp.parse import parse_message

    best: dict[str, Any] = {}
    for found, doubtful in scanned:
        values = {n: found.get(n) for n in LETTER_FIELDS}
        values["doubtful"] = [n for n in doubtful if n in LETTER_FIELDS]
        if _score(values) > _score(best):
            best = values
    for text in [*pages, body]:
        if not text:
            continue
        result = parse_message(text[:8000], today=today)
        values: dict[str, Any] = {n: result.value(n) for n in LETTER_FIELDS}
        values["doubtful"] = [n for n in ("ref_no", "letter_date", "sender", "subject")
                              if getattr(result, n, None) is not None and getattr(result, n).confidence < 0.6]
        if _score(values) > _score(best):
            best = values
    best = {k: v for k, v in best.items() if v not in (None, [], "")}
    best.setdefault("priority", "normal")
    return best


def complete(fields: dict[str, Any], *, mail_subject: str | None, from_name: str | None,
             from_address: str) -> dict[str, Any]:
    """What the parser could not find, the e-mail itself says (its Subject, its sender); a value the
    register would refuse at [ยืนยัน] (too long, control characters) is dropped and the e-mail's own
    put in its place, so a mailbox draft can always be registered as it stands."""
    from registry.validation import MAX_LENGTH, clean_text
    from registry.errors import InvalidInput

    out = dict(fields)
    for name in ("ref_no", "sender", "addressee", "subject", "enclosures"):
        value = out.get(name)
        if isinstance(value, str):
            try:
                clean_text(name, value)
            except InvalidInput:
                out.pop(name)
                out["doubtful"] = sorted(set(out.get("doubtful") or []) | {name})
    # taken from the e-mail rather than the letter: the clerk is asked to check them on the card
    guessed = [name for name in ("subject", "sender") if not out.get(name)]
    out["subject"] = out.get("subject") or (mail_subject or "(ไม่มีชื่อเรื่อง)")[:MAX_LENGTH["subject"]]
    out["sender"] = out.get("sender") or (from_name or from_address)[:MAX_LENGTH["sender"]]
    if guessed:
        out["doubtful"] = sorted(set(out.get("doubtful") or []) | set(guessed))
    return out


def _score(values: dict[str, Any]) -> int:
    return sum(1 for n in ("ref_no", "letter_date", "sender", "subject") if values.get(n))


def looks_like_letter(fields: dict[str, Any]) -> bool:
    """A body with no file is a letter when the parser found its subject and one more field."""
    return _score(fields) >= 2 and bool(fields.get("subject"))


# --- notices ----------------------------------------------------------------------------------------

def render_notice(session: Session, message: OutboxMessage, *, now: dt.datetime,
                  base_url: str | None = None) -> list[Reply]:
    p = message.payload or {}
    row = session.get(MailMessage, p.get("mail_id")) if p.get("mail_id") else None
    if row is None:
        return [say(texts.NOTICE_GONE)]
    if message.kind == "mail_receipt":
        return [receipt_email(session, row, base_url=base_url)]
    return [draft_card(session, row)]


def draft_card(session: Session, row: MailMessage) -> Reply:
    """The clerks' card: what the e-mail says, its files, [ยืนยันลงรับ] [ไม่ลงรับ]."""
    if row.status != "draft":
        return say(_decided(session, row))
    f = row.fields or {}
    L = texts.FIELD_LABEL
    secret = f.get("secrecy") is not None
    unit = session.get(Unit, row.unit_id)
    # a secret letter's sender never reaches a chat, and its e-mail address would name it
    rows = [Field("อีเมลผู้ส่ง", "(สงวน)" if secret else row.from_address or "-"),
            Field("ได้รับเมื่อ", thai_datetime(row.received_at))]
    if not secret:  # a secret letter's subject and sender never reach a chat
        for name in ("ref_no", "letter_date", "sender", "addressee", "subject", "enclosures"):
            value = f.get(name)
            if value:
                shown = thai_date(dt.date.fromisoformat(value), short=True) if name == "letter_date" else str(value)
                if name in (f.get("doubtful") or []):
                    shown += " (โปรดตรวจสอบ)"
                rows.append(Field(L[name], shown))
    rows.append(Field(L["priority"], PRIORITY_TH.get(f.get("priority") or "normal", "ปกติ")))
    if secret:
        rows.append(Field(L["secrecy"], SECRECY_TH.get(f["secrecy"], f["secrecy"])))
    letters = [m for m in row.files or [] if m["content_type"] != "message/rfc822"]
    rows.append(Field("ไฟล์หนังสือ", f"{len(letters)} ไฟล์" if letters else "ไม่มี (หนังสืออยู่ในเนื้อความอีเมล)"))
    notes = [f"หน่วยงาน: {unit.name}" if unit else "", "ยืนยันแล้วระบบจะออกเลขรับ แนบไฟล์และอีเมลต้นฉบับ "
             "และแจ้งเลขรับกลับไปยังผู้ส่งทางอีเมล"]
    if f.get("other_files") and not secret:
        notes.append("ไฟล์อื่นในอีเมล (เก็บไว้ในอีเมลต้นฉบับ): " + ", ".join(f["other_files"])[:300])
    if secret:
        notes.insert(0, texts.SECRET_HIDDEN)
    card = Card(title=f"{DRAFT_TITLE} (รายการที่ {row.id})", fields=tuple(rows),
                badges=badges(f.get("priority"), f.get("secrecy")),
                buttons=(Button(CONFIRM, payloads.make("mc", row.id), "primary"),
                         Button(EDIT, payloads.make("me", row.id)),
                         Button(DISMISS, payloads.make("mx", row.id), "danger")),
                footer="\n".join(n for n in notes if n), tone=tone_for(f.get("priority"), f.get("secrecy")))  # type: ignore[arg-type]
    return Reply(text=card_text(card), card=card)


VERIFY_LABEL = "ตรวจสอบใบรับ"  # the card field bot.mail draws as a QR code attached to the e-mail


def receipt_email(session: Session, row: MailMessage, *, base_url: str | None = None) -> Reply:
    """แจ้งเลขรับ: the receiving side tells the sender the number, date and time, and the unit
    (ระเบียบงานสารบรรณ), and how to check the receipt (its verification code, and with the
    service's public address the /verify/<code> link, which bot.mail also attaches as a QR code).
    Plain text: it is an e-mail."""
    from registry.verification import code_of

    letter = session.get(Letter, row.letter_id) if row.letter_id else None
    reg = letter.registration if letter is not None else None
    if letter is None or reg is None:
        return say(texts.NOTICE_GONE)
    number = f"{reg.number}/{reg.book.year}"
    title = f"แจ้งเลขรับ {number} — {letter.unit.name}"
    subject_line = row.mail_subject or "-"
    lines = [
        "เรียน ผู้ส่งหนังสือ",
        "",
        f"{letter.unit.name} ได้รับหนังสือที่ท่านส่งทางไปรษณีย์อิเล็กทรอนิกส์แล้ว ดังนี้",
        f"เลขรับ: {number}",
        f"วันและเวลาที่รับ: {thai_datetime(reg.received_at, short=False)}",
        f"หน่วยงานผู้รับ: {letter.unit.name}",
    ]
    if letter.secrecy is None:
        if letter.ref_no:
            lines.append(f"หนังสือที่: {letter.ref_no}")
        lines.append(f"อีเมลเรื่อง: {subject_line}")
    fields = [Field("เลขรับ", number), Field("วันและเวลา", thai_datetime(reg.received_at)),
              Field("หน่วยงาน", letter.unit.name)]
    code = code_of(session, reg.id)
    if code:  # /verify/<code> shows that the number exists, its date and unit, nothing of the letter
        lines.append(f"รหัสตรวจสอบใบรับ: {code}")
        if base_url:
            url = f"{base_url.rstrip('/')}/verify/{code}"
            lines.append(f"ตรวจสอบได้ที่: {url} (หรือสแกนคิวอาร์โค้ดที่แนบมา)")
            fields.append(Field(VERIFY_LABEL, url))
    lines += ["", "ข้อความนี้ส่งโดยระบบทะเบียนหนังสือรับอัตโนมัติ"]
    card = Card(title=title, fields=tuple(fields))
    return Reply(text="\n".join(lines), card=card)


def _decided(session: Session, row: MailMessage) -> str:
    if row.status == "registered" and row.letter_id is not None:
        reg = session.query(Registration).filter(Registration.letter_id == row.letter_id).one_or_none()
        if reg is not None:
            return f"อีเมลรายการที่ {row.id} ลงรับแล้ว เลขรับ {reg.number}/{reg.book.year}"
    if row.status == "dismissed":
        return f"อีเมลรายการที่ {row.id} ถูกระบุว่าไม่ลงรับแล้ว"
    return f"อีเมลรายการที่ {row.id} ถูกกันไว้: {row.reason or '-'}"


# --- buttons ------------------------------------------------------------------------------------------

def confirm(ctx: Ctx, mail_id: int) -> list[Reply]:
    """[ยืนยันลงรับ]: the unit's next เลขรับ, the files and the .eml attached, and the sender told
    by e-mail (the stamped copies are drawn after the transaction: bot.mail.stamp_waiting). The receipt card is the chat's usual one (with [ส่งต่อ])."""
    from handlers.cards import JustRegistered
    from handlers.intake import receipt
    from registry.mailbox import confirm_mail

    if ctx.inbound.is_group:
        return [say(texts.PRIVATE_ONLY)]
    reg = confirm_mail(ctx.session, mail_id, actor=ctx.actor, clock=ctx.clock)
    letter = JustRegistered.of(reg)
    attached = len(ctx.session.get(Letter, reg.letter_id).attachments)
    ctx.save("letter", {"letter_id": letter.id, "number": reg.display_no})
    answer = receipt(ctx, letter, attached=attached)
    return [answer, say("ระบบจะแจ้งเลขรับกลับไปยังผู้ส่งทางอีเมลค่ะ")]


def edit(ctx: Ctx, mail_id: int) -> list[Reply]:
    """[แก้ไขก่อนลงรับ]: the draft becomes this chat's registration draft (handlers.intake), with the
    e-mail's files held for [ยืนยัน]; intake.confirm then calls :func:`confirmed_in_chat`."""
    import secrets

    from handlers import intake
    from registry.mailbox import open_draft

    if ctx.inbound.is_group:
        return [say(texts.PRIVATE_ONLY)]
    row = open_draft(ctx.session, mail_id, actor=ctx.actor)
    f = row.fields or {}
    fields = {name: f.get(name) for name in intake.FIELDS}
    fields["priority"] = fields["priority"] or "normal"
    draft = {"token": secrets.token_hex(4), "unit_id": row.unit_id, "fields": fields, "errors": {},
             "doubtful": list(f.get("doubtful") or []), "asked": list(intake.OPTIONAL_ASKED),
             "files": list(row.files or []), "awaiting": None, "mail_id": row.id,
             "sender_unit_id": intake.match_sender(ctx.session, fields.get("sender"), fields.get("ref_no"))}
    card = intake.next_step(ctx, draft)
    return [*card, *intake.edit_menu(ctx, draft["token"])]


def confirmed_in_chat(ctx: Ctx, mail_id: int, reg) -> None:
    """The edited draft was registered by intake.confirm: finish the e-mail's part (its status,
    แจ้งเลขรับ). Another clerk's earlier [ยืนยันลงรับ] makes this raise, and the
    registration rolls back with it (one e-mail, one number)."""
    from registry.mailbox import mark_registered

    mark_registered(ctx.session, mail_id, reg, actor=ctx.actor, clock=ctx.clock)


def dismiss(ctx: Ctx, mail_id: int) -> list[Reply]:
    from registry.mailbox import dismiss_mail

    dismiss_mail(ctx.session, mail_id, actor=ctx.actor, clock=ctx.clock)
    return [say(f"รับทราบค่ะ อีเมลรายการที่ {mail_id} ไม่ลงรับ (ยังดูได้ในหน้ารายการอีเมลบนเว็บ)")]
