"""ลงรับ: a pasted or typed header → confirmation card → [ยืนยัน] → number issued, receipt card.

Conversation diagram::

    header text ──► draft (state "intake") ──missing/invalid field?──► ask it (one at a time)
                        ▲      │                                         │ answer / [ไม่มี]
                        └──────┼─────────────────────────────────────────┘
                               ▼ nothing missing
                    card [ยืนยัน cf:t] [แก้ไข ed:t] [ยกเลิก cx:t]
                               │ cf:t (the state row is locked: a double press registers once)
                               ▼
              register_incoming → receipt card [ส่งต่อ] [ส่งให้ <suggested>]; state "letter"
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers import payloads, texts
from handlers.cards import JustRegistered, badges, label, letter_card, number_of, short_name, tone_for
from handlers.context import Ctx, say
from handlers.models import Button, Card, Field, Reply
from registry.commands import PRIORITY_TH, SECRECY_TH, RegisterIncoming
from registry.errors import InvalidInput
from registry.validation import clean_text
from registry.intake import find_duplicates, register_incoming
from registry import memo
from registry.models import Assignment, Book, Letter, Person, Registration, Unit
from registry.timeutil import thai_date

FIELDS = ("ref_no", "letter_date", "sender", "addressee", "subject", "enclosures", "priority", "secrecy")
CONTENT = ("ref_no", "letter_date", "sender", "addressee", "subject", "enclosures")
REQUIRED = ("subject", "sender")
OPTIONAL_ASKED = ("ref_no", "letter_date")
EDITABLE = ("subject", "sender", "ref_no", "letter_date", "addressee", "priority", "secrecy")
_LABEL_PREFIX = {
    "subject": re.compile(r"^\s*เรื่อง\s*[:：]?\s*"),
    "sender": re.compile(r"^\s*จาก\s*[:：]?\s*"),
    "ref_no": re.compile(r"^\s*ที่\s*[:：]?\s*"),
    "letter_date": re.compile(r"^\s*(?:ลงวันที่|ลว\.?|ลง)\s*[:：]?\s*"),
    "addressee": re.compile(r"^\s*(?:ถึง|เรียน)\s*[:：]?\s*"),
    "enclosures": re.compile(r"^\s*สิ่งที่ส่งมาด้วย\s*[:：]?\s*"),
}
PRIORITY_WORDS = {v: k for k, v in PRIORITY_TH.items()}
SECRECY_WORDS = {v: k for k, v in SECRECY_TH.items()} | {"ไม่มี": "none", "ไม่ลับ": "none", "ปกติ": "none"}


# --- starting a draft ---------------------------------------------------------------------------

def start(ctx: Ctx, result: Any, text: str, *, marked: list[str] | tuple[str, ...] = (),
          files: list[dict] | tuple[dict, ...] = (), scanned: bool = False) -> list[Reply]:
    """A draft from a parsed header. From a photo or PDF (handlers.attach, *scanned*): *marked*
    are the fields scan/ could not trust (marked on the card and offered for correction), *files*
    the stored file, attached on [ยืนยัน]."""
    unit_id = ctx.home_unit
    if unit_id is None:
        return [say(texts.NOT_CLERK)]
    fields: dict[str, Any] = {name: result.value(name) for name in FIELDS}
    fields["priority"] = fields["priority"] or "normal"
    errors = {e.field: e.message for e in result.errors if e.field in FIELDS}
    for name in TEXT_FIELDS:  # what the register would refuse at [ยืนยัน] is asked for again now
        problem = _refused(name, fields.get(name))
        if problem and name not in errors:
            errors[name] = problem
    for name in errors:
        fields[name] = None
    doubtful = [n for n in CONTENT if getattr(result, n) is not None and getattr(result, n).confidence < 0.6]
    doubtful = list(dict.fromkeys([*doubtful, *(n for n in marked if n in CONTENT)]))
    if fields["secrecy"] == "top_secret":
        fields.update(dict.fromkeys(CONTENT))  # ลับที่สุด: nothing of its content is kept, not even here
    draft = {"token": secrets.token_hex(4), "unit_id": unit_id, "fields": fields, "errors": errors,
             "doubtful": doubtful, "asked": [], "files": list(files), "awaiting": None,
             "sender_unit_id": match_sender(ctx.session, fields.get("sender"), fields.get("ref_no"))}
    if scanned:
        draft["scanned"] = True
    return next_step(ctx, draft)


TEXT_FIELDS = ("ref_no", "sender", "addressee", "subject", "enclosures")


def _refused(field: str, value: Any) -> str | None:
    """The register's own objection to a text field (too long, control characters), in Thai."""
    if not isinstance(value, str):
        return None
    try:
        clean_text(field, value)
    except InvalidInput as exc:
        return exc.message_th
    return None


_DIRECTORY_CACHE = memo.cache(memo.UNIT_DIRECTORY)  # database URL → _Directory
_DIRECTORY_STAMP = select(func.count(Unit.id), func.coalesce(func.max(Unit.id), 0),
                          func.coalesce(func.sum(func.length(Unit.name) + func.length(Unit.code)), 0))
DIRECTORY_RECHECK = 10.0  # seconds: a new or renamed unit is matched at most this much later
SURE_MATCH = 95.0  # a name, alias, abbreviation or exact code: never a fuzzy guess


@dataclass
class _Directory:
    stamp: tuple[int, ...]
    checked_at: float
    directory: Any


def match_sender(session: Session, sender: str | None, ref_no: str | None) -> int | None:
    """The unit of the directory the sender surely is (SPEC F2 matching), else None."""
    if not sender and not ref_no:
        return None
    directory = _unit_directory(session)
    matches = directory.match(sender) if sender else []
    if not matches and ref_no:
        matches = directory.match_ref_no(ref_no)
    if matches and matches[0].score >= SURE_MATCH and (len(matches) == 1 or matches[1].score < matches[0].score):
        return int(matches[0].id)
    return None


def _unit_directory(session: Session):
    """The matching index of all units, rebuilt when units are added, renamed or recoded (the
    stamp is read at most every DIRECTORY_RECHECK seconds: units change a few times a year,
    headers arrive all day; a change made through this process is seen at once, see
    registry.admin)."""
    from nlp.directory import Directory

    key = str(session.get_bind().url)
    cached = _DIRECTORY_CACHE.get(key)
    now = time.monotonic()
    if cached is not None and now - cached.checked_at < DIRECTORY_RECHECK:
        return cached.directory
    stamp = tuple(int(v) for v in session.execute(_DIRECTORY_STAMP).one())
    if cached is None or cached.stamp != stamp:
        units = session.execute(select(Unit.id, Unit.name, Unit.short_name, Unit.aliases, Unit.code)).all()
        directory = Directory([{"id": u.id, "name": u.name, "code": u.code,
                                "aliases": [a for a in (u.short_name, *(u.aliases or [])) if a]} for u in units])
        cached = _DIRECTORY_CACHE[key] = _Directory(stamp, now, directory)
    cached.checked_at = now
    return cached.directory


def next_step(ctx: Ctx, draft: dict) -> list[Reply]:
    field = _next_missing(draft)
    draft["awaiting"] = field
    ctx.save("intake", draft)
    if field is None:
        return [confirmation(ctx, draft)]
    return [ask(draft, field)]


def _next_missing(draft: dict) -> str | None:
    f = draft["fields"]
    if f.get("secrecy") == "top_secret":
        return None
    for name in draft["errors"]:
        return name
    for name in REQUIRED:
        if not f.get(name):
            return name
    for name in OPTIONAL_ASKED:
        if not f.get(name) and name not in draft["asked"]:
            return name
    return None


def ask(draft: dict, field: str) -> Reply:
    token = draft["token"]
    lines = []
    if field in draft["errors"]:
        lines.append(texts.DOUBTFUL.format(message=draft["errors"][field]))
    lines.append(texts.ASK_FIELD[field])
    quick: list[Button] = []
    if field in OPTIONAL_ASKED or field in ("addressee", "enclosures"):
        quick.append(Button(texts.BUTTON["skip"], payloads.make("sk", token, field)))
    if field == "priority":
        quick += [Button(th, payloads.make("ev", token, "priority", key)) for key, th in PRIORITY_TH.items()]
    if field == "secrecy":
        quick += [Button("ไม่มี", payloads.make("ev", token, "secrecy", "none"))]
        quick += [Button(th, payloads.make("ev", token, "secrecy", key)) for key, th in SECRECY_TH.items()]
    quick.append(Button(texts.BUTTON["cancel"], payloads.make("cx", token)))
    return say("\n".join(lines), quick=quick)


def confirmation(ctx: Ctx, draft: dict) -> Reply:
    f = draft["fields"]
    L = texts.FIELD_LABEL
    secret = f.get("secrecy") is not None
    rows: list[Field] = []
    if not secret:
        for name in ("ref_no", "letter_date", "sender", "addressee", "subject", "enclosures"):
            value = f.get(name)
            if value:
                shown = thai_date(dt.date.fromisoformat(value), short=True) if name == "letter_date" else str(value)
                if name in draft["doubtful"]:
                    shown += " (โปรดตรวจสอบ)"
                rows.append(Field(L[name], shown))
    if not secret and draft.get("sender_unit_id"):
        unit = ctx.session.get(Unit, draft["sender_unit_id"])
        if unit is not None and unit.name != f.get("sender"):
            rows.append(Field("หน่วยงานในทะเบียน", f"{unit.name} ({unit.code})"))
    if secret and f["secrecy"] != "top_secret":
        # which fields were read, never their values: the clerk checks them on the web page
        read = " ".join(("✓ " if f.get(n) else "✗ ") + L[n] for n in ("ref_no", "letter_date", "sender", "subject"))
        rows.append(Field(texts.SECRET_READ_LABEL, read))
    rows.append(Field(L["priority"], PRIORITY_TH.get(f["priority"], f["priority"])))
    if secret:
        rows.append(Field(L["secrecy"], SECRECY_TH[f["secrecy"]]))
    notes = [texts.CONFIRM_HINT]
    check = [n for n in draft["doubtful"] if n in EDITABLE] if draft.get("scanned") and f.get("secrecy") != "top_secret" else []
    if check:  # read from a photo or PDF: the fields scan/ could not trust are asked on the card
        notes.insert(0, texts.SCAN_CHECK.format(fields=", ".join(L[n] for n in check)))
    if secret:
        notes.insert(0, texts.TOP_SECRET_NOTE if f["secrecy"] == "top_secret" else texts.SECRET_HIDDEN)
        if f["secrecy"] != "top_secret":
            notes.insert(1, texts.SECRET_CHECK_ON_WEB)
    dups = _duplicates(ctx.session, draft)
    if dups:
        notes.insert(0, texts.DUPLICATE_WARNING.format(numbers=", ".join(dups)))
    token = draft["token"]
    card = Card(
        title=texts.CONFIRM_TITLE, fields=tuple(rows), badges=badges(f["priority"], f.get("secrecy")),
        buttons=(Button(texts.BUTTON["confirm"], payloads.make("cf", token), "primary"),
                 Button(texts.BUTTON["edit"], payloads.make("ed", token)),
                 Button(texts.BUTTON["cancel"], payloads.make("cx", token), "danger")),
        footer="\n".join(notes), tone="warning" if dups else tone_for(f["priority"], f.get("secrecy")),  # type: ignore[arg-type]
    )
    from handlers.cards import card_text

    quick = tuple(Button(label(f"{texts.BUTTON['edit']} {L[n]}"), payloads.make("ef", token, n)) for n in check)
    return Reply(text=card_text(card), card=card, quick_replies=quick)


def _duplicates(session: Session, draft: dict) -> list[str]:
    f = draft["fields"]
    letter_date = dt.date.fromisoformat(f["letter_date"]) if f.get("letter_date") else None
    ids = find_duplicates(session, draft["unit_id"], f.get("ref_no"), letter_date, f.get("sender"))
    return _numbers(session, ids)


def _numbers(session: Session, letter_ids) -> list[str]:
    """Receiving numbers ("15/2569") of incoming letters, in one query."""
    ids = list(letter_ids)
    if not ids:
        return []
    rows = session.execute(
        select(Registration.number, Book.year).join(Book, Book.id == Registration.book_id)
        .where(Registration.letter_id.in_(ids)).order_by(Book.year, Registration.number)
    ).all()
    return [f"{r.number}/{r.year}" for r in rows]


# --- answers and edits ----------------------------------------------------------------------------

def answer(ctx: Ctx, state, text: str) -> list[Reply]:
    return _answer(ctx, dict(state.data), text)


def edit_typed(ctx: Ctx, state, field: str | None, value: str | None) -> list[Reply]:
    """``แก้เรื่องเป็น …`` typed at the card: that one field takes the value; without a value the
    field is asked; without a field the edit menu is shown."""
    draft = dict(state.data)
    allowed = EDITABLE if draft["fields"].get("secrecy") != "top_secret" else ("priority", "secrecy")
    if field is None or field not in allowed:
        return edit_menu(ctx, draft["token"])
    if not value:
        return edit_field(ctx, draft["token"], field)
    draft["awaiting"] = field
    ctx.save("intake", draft)  # an unreadable value leaves the field asked, not the card
    return _answer(ctx, draft, value)


def _answer(ctx: Ctx, draft: dict, text: str) -> list[Reply]:
    field = draft["awaiting"]
    value: Any = text.strip()
    prefix = _LABEL_PREFIX.get(field)
    if prefix is not None:
        value = prefix.sub("", value, count=1).strip()
    if value in ("ไม่มี", "-", "ข้าม") and field not in REQUIRED:
        return _set(ctx, draft, field, None)
    if field == "letter_date":
        from nlp.dates import DateError, parse_date

        try:
            value = parse_date(value, today=ctx.today).isoformat()
        except (DateError, ValueError) as exc:
            ctx.save("intake", draft)
            return [say(texts.BAD_DATE.format(detail=str(exc) or value)), ask(draft, field)]
    elif field == "priority":
        value = PRIORITY_WORDS.get(value)
        if value is None:
            return [ask(draft, field)]
    elif field == "secrecy":
        value = SECRECY_WORDS.get(value)
        if value is None:
            return [ask(draft, field)]
    if not value:
        return [ask(draft, field)]
    problem = _refused(field, value) if field in TEXT_FIELDS else None
    if problem:
        draft["errors"] = dict(draft["errors"], **{field: problem})
        ctx.save("intake", draft)
        return [ask(draft, field)]
    return _set(ctx, draft, field, value)


def _set(ctx: Ctx, draft: dict, field: str, value: Any) -> list[Reply]:
    if field == "secrecy" and value == "none":
        value = None
    draft["fields"] = dict(draft["fields"], **{field: value})
    if field == "secrecy" and value == "top_secret":
        draft["fields"].update(dict.fromkeys(CONTENT))
    draft["errors"] = {k: v for k, v in draft["errors"].items() if k != field}
    draft["doubtful"] = [d for d in draft["doubtful"] if d != field]
    draft["asked"] = sorted(set(draft["asked"]) | {field})
    if field in ("sender", "ref_no"):
        draft["sender_unit_id"] = match_sender(ctx.session, draft["fields"].get("sender"), draft["fields"].get("ref_no"))
    return next_step(ctx, draft)


def _draft(ctx: Ctx, token: str, *, lock: bool = False) -> dict | None:
    state = ctx.state(lock=lock)
    if state is None or state.flow != "intake" or state.data.get("token") != token:
        return None
    return dict(state.data)


def edit_menu(ctx: Ctx, token: str, *, note: str | None = None) -> list[Reply]:
    draft = _draft(ctx, token)
    if draft is None:
        return _stale(ctx, token)
    fields = EDITABLE if draft["fields"].get("secrecy") != "top_secret" else ("priority", "secrecy")
    quick = [Button(texts.FIELD_LABEL[f], payloads.make("ef", token, f)) for f in fields]
    if note:  # "ไม่ถูกค่ะ" at the card: which field, or cancel — never a guess
        quick.append(Button(texts.BUTTON["cancel"], payloads.make("cx", token), "danger"))
    return [say(f"{note}\n{texts.EDIT_WHICH}" if note else texts.EDIT_WHICH, quick=quick)]


def edit_field(ctx: Ctx, token: str, field: str) -> list[Reply]:
    draft = _draft(ctx, token)
    if draft is None:
        return _stale(ctx, token)
    if field not in EDITABLE:
        return [say(texts.STALE_BUTTON)]
    draft["awaiting"] = field
    ctx.save("intake", draft)
    return [ask(draft, field)]


def set_value(ctx: Ctx, token: str, field: str, value: str) -> list[Reply]:
    draft = _draft(ctx, token)
    if draft is None:
        return _stale(ctx, token)
    allowed = {"priority": tuple(PRIORITY_TH), "secrecy": (*SECRECY_TH, "none")}.get(field, ())
    if value not in allowed:
        return [say(texts.STALE_BUTTON)]
    return _set(ctx, draft, field, value)


def skip_field(ctx: Ctx, token: str, field: str) -> list[Reply]:
    draft = _draft(ctx, token)
    if draft is None:
        return _stale(ctx, token)
    if field in REQUIRED:
        return [ask(draft, field)]
    return _set(ctx, draft, field, None)


def cancel_draft(ctx: Ctx, token: str) -> list[Reply]:
    draft = _draft(ctx, token, lock=True)
    if draft is None:
        return _stale(ctx, token)
    ctx.clear()
    return [say(texts.DRAFT_CANCELLED)]


def _stale(ctx: Ctx, token: str) -> list[Reply]:
    state = ctx.state()
    last = (state.data.get("last") or {}) if state is not None else {}
    if last.get("token") == token:
        return [say(texts.ALREADY_REGISTERED.format(number=last["number"]))]
    return [say(texts.STALE_BUTTON)]


# --- confirm → register ----------------------------------------------------------------------------

def confirm(ctx: Ctx, token: str) -> list[Reply]:
    draft = _draft(ctx, token, lock=True)
    if draft is None:
        return _stale(ctx, token)
    f = draft["fields"]
    cmd = RegisterIncoming(
        unit_id=draft["unit_id"], subject=f.get("subject"), ref_no=f.get("ref_no"),
        letter_date=dt.date.fromisoformat(f["letter_date"]) if f.get("letter_date") else None,
        sender=f.get("sender"), addressee=f.get("addressee"), priority=f.get("priority") or "normal",
        secrecy=f.get("secrecy"), enclosures=f.get("enclosures"), sender_unit_id=draft.get("sender_unit_id"),
    )
    try:  # no savepoint needed: register_incoming refuses input before its first write
        reg = register_incoming(ctx.session, cmd, actor=ctx.actor, clock=ctx.clock)
    except InvalidInput as exc:
        if exc.field in EDITABLE:  # keep the draft and ask for that one field again
            draft["errors"] = dict(draft["errors"], **{exc.field: exc.message_th})
            return next_step(ctx, draft)
        raise
    letter = JustRegistered.of(reg)
    attached = 0
    if draft["files"] and letter.secrecy != "top_secret":
        from registry.attachments import StoredFile, add_attachment

        for meta in draft["files"]:
            add_attachment(ctx.session, letter.id, StoredFile(**meta), actor=ctx.actor, clock=ctx.clock)
            attached += 1
    if draft.get("mail_id"):  # a saraban-mailbox draft edited in the chat (handlers.mail_drafts)
        from handlers.mail_drafts import confirmed_in_chat

        confirmed_in_chat(ctx, draft["mail_id"], reg)
    ctx.save("letter", {"letter_id": letter.id, "number": reg.display_no,
                        "last": {"token": token, "number": reg.display_no, "letter_id": letter.id}})
    return [receipt(ctx, letter, duplicates=_numbers(ctx.session, reg.duplicates), attached=attached,
                    code=reg.verification_code)]


def receipt(ctx: Ctx, letter: Letter | JustRegistered, *, duplicates: list[str] = (), attached: int = 0,
            code: str | None = None) -> Reply:
    notes: list[str] = []
    if code:  # the sender checks it at /verify/<code> (registry.verification): nothing of the content
        base = (ctx.runtime.public_url or "").rstrip("/")
        notes.append(texts.VERIFICATION_CODE.format(code=code, url=f"{base}/verify/{code}"))
    if duplicates:
        notes.append(texts.DUPLICATE_WARNING.format(numbers=", ".join(duplicates)))
    buttons = [Button(texts.BUTTON["forward"], payloads.make("fw", letter.id), "primary")]
    suggestion = None if letter.secrecy else suggest_owner(ctx.session, letter.unit_id, letter.subject)
    if suggestion is not None:
        person_id, name, reason = suggestion
        buttons.append(Button(label(texts.BUTTON["send_to"].format(name=short_name(name).split()[0])),
                              payloads.make("fo", letter.id, person_id)))
        notes.append(texts.SUGGESTED_OWNER.format(name=name, reason=reason))
    if attached:
        notes.append(f"แนบไฟล์แล้ว {attached} ไฟล์")
    if letter.secrecy is None:  # never invite scans of a classified letter into a chat
        notes.append(texts.RECEIPT_ATTACH_HINT)
    elif letter.secrecy != "top_secret":
        from handlers.links import link_button

        notes.append(texts.SECRET_RECEIPT_NOTE)
        buttons.append(link_button(texts.BUTTON["letter_page"], "letter", letter.id))
    card = letter_card(letter, texts.RECEIPT_TITLE.format(number=number_of(letter)), buttons=tuple(buttons),
                       footer="\n".join(notes), tone="warning" if duplicates else "success")
    from handlers.cards import card_text

    return Reply(text=card_text(card), card=card)


# --- owner suggestion ------------------------------------------------------------------------------

HISTORY_LIMIT = 3000


@dataclass
class _OwnerCache:
    last_assignment: int  # the newest forward anywhere when this entry was checked
    checksum: tuple[int, ...]  # of this unit's forwards
    index: Any


_INDEX_CACHE = memo.cache("owner_index")  # (database URL, unit) → _OwnerCache
_LAST_ASSIGNMENT = select(func.max(Assignment.id))  # O(1) through the primary key


def _unit_checksum(unit_id: int):
    # count, newest id, who got which letter, subject lengths: a cheap checksum of the unit's forwards
    return (select(func.count(Assignment.id), func.coalesce(func.max(Assignment.id), 0),
                   func.coalesce(func.sum(func.coalesce(Assignment.person_id, 0) * Assignment.letter_id), 0),
                   func.coalesce(func.sum(func.length(Letter.subject)), 0))
            .join(Letter, Letter.id == Assignment.letter_id).where(Letter.unit_id == unit_id))


def suggest_owner(session: Session, unit_id: int, subject: str | None) -> tuple[int, str, str] | None:
    """(person id, name, Thai reason) of the likely owner, from the unit's own past forwards.

    The unit's index is cached. While no forward at all was made since it was checked (one
    primary-key lookup) it is used as is; otherwise the unit's checksum (a pass over the unit's
    forwards) decides whether to rebuild it — so a registration costs no pass over the history
    unless someone forwarded something in between."""
    if not subject:
        return None
    from nlp.owners import OwnerIndex

    last = session.execute(_LAST_ASSIGNMENT).scalar()
    if not last:
        return None
    key = (str(session.get_bind().url), unit_id)
    cached = _INDEX_CACHE.get(key)
    if cached is None or cached.last_assignment != last:
        checksum = tuple(int(v) for v in session.execute(_unit_checksum(unit_id)).one())
        if cached is not None and cached.checksum == checksum:
            cached.last_assignment = last
        else:
            rows = session.execute(
                select(Letter.subject, Assignment.person_id, Person.name)
                .join(Assignment, Assignment.letter_id == Letter.id).join(Person, Person.id == Assignment.person_id)
                .where(Letter.unit_id == unit_id, Letter.secrecy.is_(None), Letter.subject.is_not(None),
                       Assignment.role == "principal", Assignment.status != "returned", Person.active.is_(True))
                .order_by(Assignment.id.desc()).limit(HISTORY_LIMIT)
            ).all()
            index = OwnerIndex([(r.subject, r.person_id, r.name) for r in reversed(rows)])
            cached = _INDEX_CACHE[key] = _OwnerCache(last, checksum, index)
    if not cached.checksum[0]:
        return None
    found = cached.index.suggest(subject, limit=1)
    if not found:
        return None
    best = found[0]
    return int(best.owner_id), best.owner_name, best.reason


def registration_of(session: Session, letter_id: int) -> Registration | None:
    return session.execute(select(Registration).where(Registration.letter_id == letter_id)).unique().scalar_one_or_none()
