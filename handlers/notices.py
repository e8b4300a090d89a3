"""Outbox notices rendered for their recipient at delivery time.

Kinds and payloads (ids only; facts are read fresh, so a notice delivered late shows the truth):

* ``assignment`` {assignment_id, letter_id}: a forward to a person (card with [รับทราบ]
  [ไม่ใช่งานของฉัน]) or to a unit (its clerks: the unit's own number, [ส่งต่อ] [รับทราบ]);
* ``acknowledge_notice`` / ``return_notice`` {assignment_id, letter_id, by}: to the sender;
* ``reminder`` {assignment_id, letter_id, level: owner|clerk|head}: overdue, not acknowledged;
* ``recall_notice`` {assignment_id, letter_id, by}: to the recipient, the forward was recalled
  (on Telegram the original notice is also edited to say so, bot/deliver.py);
* ``digest`` {unit_id, date}: one daily summary per clerk (new, pending by person, overdue);
* ``delivery_failed`` {assignment_id, letter_id, channel, person_id, error}: to the person who
  forwarded, when the notice to the recipient failed for good (blocked bot, 403);
* ``acting_named`` / ``acting_started`` {delegation_id}: to an acting officer (รักษาราชการแทน),
  when named and when the period begins.

Any notice may carry ``acting_for`` (a person id): it was queued for that absent person and goes to
the acting officer too; its text then begins with a line saying "แทน <name>".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import payloads, texts
from handlers.cards import card_text, letter_card, letter_fields, number_of
from handlers.context import say
from handlers.models import Button, Card, Field, Reply
from registry import access
from registry.commands import PURPOSE_TH
from registry.models import Assignment, Delegation, Letter, OutboxMessage, Person, Registration, Unit
from registry.timeutil import local, thai_date, thai_datetime


def render(session: Session, message: OutboxMessage, *, now: dt.datetime, base_url: str | None = None) -> list[Reply]:
    replies = _render(session, message, now=now, base_url=base_url)
    acting_for = (message.payload or {}).get("acting_for")
    if acting_for:
        absent = session.get(Person, acting_for)
        name = absent.name if absent is not None else "-"
        replies = [_with_line(r, texts.NOTICE_ACTING_FOR.format(name=name), name) for r in replies]
    return replies


def _with_line(reply: Reply, line: str, name: str) -> Reply:
    """The same reply with *line* on top of its text (and "รักษาราชการแทน" as its card's first row)."""
    card = reply.card
    if card is not None:
        card = replace(card, fields=(Field("รักษาราชการแทน", name),) + card.fields)
    return replace(reply, text=f"{line}\n{reply.text}", card=card)


def _render(session: Session, message: OutboxMessage, *, now: dt.datetime, base_url: str | None = None) -> list[Reply]:
    kind = message.kind
    p = message.payload or {}
    if kind == "digest":
        return [_digest(session, p, now)]
    if kind in ("acting_named", "acting_started"):
        return [_acting(session, p, started=kind == "acting_started", now=now)]
    if kind in ("mail_draft", "mail_receipt"):  # the saraban mailbox (handlers.mail_drafts)
        from handlers.mail_drafts import render_notice

        return render_notice(session, message, now=now, base_url=base_url)
    if kind == "sign_in_link":  # a one-time web sign-in link the person asked for (admin_api sign-in page)
        return [say(str(p.get("text") or texts.NOTICE_GONE))]
    if kind == "training_reminder":  # a person added as new has not passed ฝึกใช้งาน yet
        return [say(texts.TRAINING["reminder"].format(n=p.get("reminder", 1), of=p.get("of", 3)),
                    quick=(Button(texts.TRAINING["start_button"], payloads.make("tr", "go"), "primary"),))]
    a = session.get(Assignment, p.get("assignment_id")) if p.get("assignment_id") else None
    letter = session.get(Letter, p.get("letter_id")) if p.get("letter_id") else None
    if a is None or letter is None:
        return [say(texts.NOTICE_GONE)]
    if kind == "assignment":
        return [_assignment(session, a, letter, now, base_url)]
    if kind == "acknowledge_notice":
        return [_answered(session, a, letter, p, acknowledged=True)]
    if kind == "return_notice":
        return [_answered(session, a, letter, p, acknowledged=False)]
    if kind == "reminder":
        return [_reminder(session, a, letter, p, now)]
    if kind == "recall_notice":
        by = session.get(Person, p.get("by")) if p.get("by") else None
        return [say(texts.NOTICE_RECALLED.format(number=number_of(letter), name=by.name if by else "ผู้ส่ง"))]
    if kind == "delivery_failed":
        return [_delivery_failed(session, a, letter, p)]
    return [say(str(p.get("text") or texts.NOTICE_GONE))]


def _owner_buttons(a: Assignment) -> tuple[Button, ...]:
    return (Button(texts.BUTTON["ack"], payloads.make("ack", a.id), "primary"),
            Button(texts.BUTTON["ret"], payloads.make("ret", a.id), "danger"))


def _assignment_rows(a: Assignment, letter: Letter) -> list[Field]:
    L = texts.FIELD_LABEL
    rows = [Field(L["purpose"], PURPOSE_TH.get(a.purpose, a.purpose)),
            Field("บทบาท", "เจ้าของเรื่อง" if a.role == "principal" else "สำเนา")]
    if a.instruction and not access.chat_withholds(letter):  # the secrecy projection's chat rule
        rows.append(Field(L["instruction"], a.instruction))
    if a.due_at is not None:
        rows.append(Field(L["due"], thai_datetime(a.due_at)))
    return rows


def _status_note(a: Assignment) -> str | None:
    return {"acknowledged": "ท่านรับทราบรายการนี้แล้ว", "returned": "รายการนี้ถูกส่งคืนแล้ว",
            "cancelled": "รายการนี้ถูกยกเลิกแล้ว", "closed": "ปิดเรื่องแล้ว",
            "recalled": texts.RECALLED_NOTE}.get(a.status)


def _assignment(session: Session, a: Assignment, letter: Letter, now: dt.datetime, base_url: str | None = None) -> Reply:
    from handlers.stamped import stamped_copy_fields
    note = _status_note(a)
    if a.person_id is not None:
        base = letter_card(letter, texts.NOTICE_ASSIGNMENT_TITLE.format(number=number_of(letter)))
        buttons = _owner_buttons(a) if a.status == "sent" else ()
    else:
        base = letter_card(letter, texts.NOTICE_UNIT_TITLE.format(number=number_of(letter)))
        buttons = ((Button(texts.BUTTON["forward"], payloads.make("fw", letter.id), "primary"),
                    Button(texts.BUTTON["ack"], payloads.make("ack", a.id))) if a.status == "sent" else ())
    footer = note or (texts.SECRET_NOTE if access.chat_withholds(letter) else None)
    card = Card(title=base.title, fields=base.fields + tuple(_assignment_rows(a, letter))
                + stamped_copy_fields(letter, base_url), badges=base.badges,
                buttons=buttons, footer=footer, tone=base.tone)
    return Reply(text=card_text(card), card=card)


def _answered(session: Session, a: Assignment, letter: Letter, p: dict, *, acknowledged: bool) -> Reply:
    by = session.get(Person, p.get("by")) if p.get("by") else a.person
    name = by.name if by is not None else (a.unit.name if a.unit is not None else "ผู้รับ")
    if acknowledged:
        text = texts.NOTICE_ACK.format(name=name, number=number_of(letter), at=thai_datetime(a.acknowledged_at or a.sent_at))
        return say(text, quick=(Button(texts.BUTTON["status"], payloads.make("st", letter.id)),))
    text = texts.NOTICE_RETURN.format(name=name, number=number_of(letter), reason=a.return_reason or "-")
    card = Card(title=f"ส่งคืนเลขรับ {number_of(letter)}", fields=tuple(letter_fields(letter, with_received=False))
                + (Field("ผู้ส่งคืน", name), Field("เหตุผล", a.return_reason or "-")),
                buttons=(Button("ส่งต่อใหม่", payloads.make("fw", letter.id), "primary"),), tone="warning")
    return Reply(text=text, card=card)


def _reminder(session: Session, a: Assignment, letter: Letter, p: dict, now: dt.datetime) -> Reply:
    level = p.get("level") or "owner"
    if a.status != "sent":
        return say(_status_note(a) or texts.NOTICE_GONE)
    if level == "owner":
        base = letter_card(letter, texts.NOTICE_REMINDER_TITLE.format(number=number_of(letter)), tone="warning")
        card = Card(title=base.title, fields=base.fields + tuple(_assignment_rows(a, letter)), badges=base.badges,
                    buttons=_owner_buttons(a), tone="warning")
        return Reply(text=card_text(card), card=card)
    who = a.person.name if a.person is not None else (a.unit.name if a.unit is not None else "-")
    text = texts.NOTICE_REMINDER_OTHERS.format(name=who, number=number_of(letter),
                                               due=thai_datetime(a.due_at) if a.due_at else "-")
    return say(text, quick=(Button(texts.BUTTON["status"], payloads.make("st", letter.id)),))


def _acting(session: Session, p: dict, *, started: bool, now: dt.datetime) -> Reply:
    d = session.get(Delegation, p.get("delegation_id")) if p.get("delegation_id") else None
    if d is None:
        return say(texts.NOTICE_GONE)
    absent = session.get(Person, d.principal_id)
    name = absent.name if absent is not None else "-"
    last = local(d.ends_at - dt.timedelta(microseconds=1)).date()
    period = f"{thai_date(local(d.starts_at).date(), short=True)} ถึง {thai_date(last, short=True)}"
    if d.ends_at <= now:
        return say(texts.NOTICE_ACTING_OVER.format(name=name))
    if started:
        text = texts.NOTICE_ACTING_STARTED.format(name=name, period=period)
    else:
        text = texts.NOTICE_ACTING_NAMED.format(name=name, period=period)
        if d.starts_at <= now:
            text += texts.NOTICE_ACTING_NOW
    if d.reason:
        text += f"\nเหตุผล: {d.reason}"
    return say(text, quick=(Button(texts.BUTTON["my"], payloads.make("my")),))


CHANNEL_TH = {"line": "LINE", "telegram": "Telegram", "web": "เว็บแชต"}


def _delivery_failed(session: Session, a: Assignment, letter: Letter, p: dict) -> Reply:
    who = session.get(Person, p.get("person_id")) if p.get("person_id") else a.person
    name = who.name if who is not None else "ผู้รับ"
    why = (texts.DELIVERY_FAILED_UNSURE if "interrupted" in str(p.get("error") or "")
           else texts.DELIVERY_FAILED_BLOCKED)
    text = texts.DELIVERY_FAILED.format(number=number_of(letter), name=name,
                                        channel=CHANNEL_TH.get(p.get("channel"), p.get("channel") or "-"), why=why)
    return say(text, quick=(Button(texts.BUTTON["status"], payloads.make("st", letter.id)),))


def _digest(session: Session, p: dict, now: dt.datetime) -> Reply:
    unit = session.get(Unit, p.get("unit_id")) if p.get("unit_id") else None
    if unit is None:
        return say(texts.NOTICE_GONE)
    day = dt.date.fromisoformat(p["date"]) if p.get("date") else local(now).date()
    since = now - dt.timedelta(days=1)
    new = session.execute(
        select(Letter).join(Registration, Registration.letter_id == Letter.id)
        .where(Letter.unit_id == unit.id, Letter.direction == "incoming", Letter.sandbox.is_(False),
               Registration.received_at >= since)
    ).unique().scalars().all()
    pending = session.execute(
        select(Assignment).join(Letter, Letter.id == Assignment.letter_id)
        .where(Letter.unit_id == unit.id, Assignment.status == "sent")
    ).unique().scalars().all()
    by_person = Counter((a.person.name if a.person else a.unit.name if a.unit else "-") for a in pending)
    overdue = [a for a in pending if a.due_at is not None and a.due_at < now]
    not_forwarded = sum(1 for lt in new if lt.status == "registered")
    lines = [texts.NOTICE_DIGEST_TITLE.format(date=thai_date(day, short=True)) + f" — {unit.name}",
             f"ลงรับใหม่ 24 ชม.: {len(new)} (ยังไม่ส่งต่อ {not_forwarded})",
             f"รอรับทราบ: {len(pending)} · เกินกำหนด: {len(overdue)}"]
    lines += [f"• {name}: {count} รายการ" for name, count in by_person.most_common(10)]
    return say("\n".join(lines), quick=(Button(texts.BUTTON["my"], payloads.make("my")),))
