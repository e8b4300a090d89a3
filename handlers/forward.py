"""ส่งต่อ: choose the owner(s) — suggested, recent or found by name — and a purpose, then send.

Conversation diagram::

    [ส่งต่อ fw:L] ─► candidates (suggested, recent, unit staff) ─► [name fo:L:P] ─► purpose buttons
    typed name ──► search ─► one: added · several: buttons · none: ask again
    [เพื่อ… fp:L:act] ─► registry.forward (first chosen = เจ้าของเรื่อง, others = สำเนา,
                         or whoever [X เป็นเจ้าของเรื่อง fm:L:P] names) ─► owners notified
    typed: "ส่งต่อ 15 ให้ สมชาย และ วิภาวดี เพื่อทราบ" (names after "สำเนา" are copies)
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from handlers import payloads, texts
from handlers.cards import label, number_of, short_name
from handlers.context import Ctx, say
from handlers.intake import suggest_owner
from handlers.lookup import find_people, find_unit, letters_by_number, unit_people
from handlers.models import Button, Card, Field, Reply
from registry.assignments import forward as registry_forward
from registry.assignments import get_letter
from registry.commands import PURPOSE_TH, Forward, Recipient
from registry.errors import PermissionDenied
from registry.models import Assignment, Letter, Person, Unit
from registry import access
from registry.timeutil import thai_datetime

_SPLIT = re.compile(r"\s*(?:,|และ|กับ|\n)\s*")
_COPY_MARK = re.compile(r"\s*(?:สำเนา(?:ถึง|ให้)?|cc)\s*", re.IGNORECASE)
MAX_CANDIDATES = 6


def _require_clerk(ctx: Ctx, letter: Letter) -> None:
    if not access.may_manage(ctx.viewer, letter.unit_id):
        raise PermissionDenied("ส่งต่อหนังสือของหน่วยงานนี้")


def _state_for(ctx: Ctx, letter_id: int, *, lock: bool = False) -> dict | None:
    state = ctx.state(lock=lock)
    if state is None or state.flow != "forward" or state.data.get("letter_id") != letter_id:
        return None
    return dict(state.data)


def _new_state(letter: Letter) -> dict[str, Any]:
    return {"letter_id": letter.id, "number": number_of(letter), "recipients": [], "principal": None}


# --- choosing -------------------------------------------------------------------------------------

def start(ctx: Ctx, letter_id: int) -> list[Reply]:
    letter = get_letter(ctx.session, letter_id)
    _require_clerk(ctx, letter)
    data = _new_state(letter)
    ctx.save("forward", data)
    buttons = tuple(Button(label(short_name(p.name)), payloads.make("fo", letter.id, p.id)) for p in candidates(ctx, letter))
    card = Card(title=texts.CHOOSE_OWNER.format(number=number_of(letter)), buttons=buttons,
                footer="พิมพ์ชื่อผู้รับเพื่อค้นหาได้", tone="info")
    return [Reply(text=texts.CHOOSE_OWNER.format(number=number_of(letter)), card=card)]


def candidates(ctx: Ctx, letter: Letter, exclude: set[int] = frozenset()) -> list[Person]:
    """Suggested owner, then people this unit forwarded to recently, then the unit's staff."""
    out: dict[int, Person] = {}
    if not letter.secrecy:
        s = suggest_owner(ctx.session, letter.unit_id, letter.subject)
        if s is not None:
            person = ctx.session.get(Person, s[0])
            if person is not None:
                out[person.id] = person
    recent = ctx.session.execute(
        select(Assignment.person_id).join(Letter, Letter.id == Assignment.letter_id)
        .where(Letter.unit_id == letter.unit_id, Assignment.person_id.is_not(None))
        .order_by(Assignment.id.desc()).limit(40)
    ).scalars()
    for pid in recent:
        if pid not in out and len(out) < 4:
            person = ctx.session.get(Person, pid)
            if person is not None and person.active:
                out[pid] = person
    for person in unit_people(ctx, letter.unit_id):
        out.setdefault(person.id, person)
    return [p for pid, p in out.items() if pid not in exclude and pid != ctx.person.id][:MAX_CANDIDATES]


def add_person(ctx: Ctx, letter_id: int, person_id: int) -> list[Reply]:
    letter = get_letter(ctx.session, letter_id)
    _require_clerk(ctx, letter)
    person = ctx.session.get(Person, person_id)
    if person is None or not person.active:
        return [say(texts.STALE_BUTTON)]
    data = _state_for(ctx, letter_id) or _new_state(letter)
    return _added(ctx, letter, data, [["p", person.id]])


def _added(ctx: Ctx, letter: Letter, data: dict, new: list[list]) -> list[Reply]:
    for r in new:
        if r not in data["recipients"]:
            data["recipients"].append(r)
    ctx.save("forward", data)
    return [_chosen_reply(ctx, letter, data)]


def make_principal(ctx: Ctx, letter_id: int, person_id: int) -> list[Reply]:
    letter = get_letter(ctx.session, letter_id)
    data = _state_for(ctx, letter_id)
    if data is None or ["p", person_id] not in data["recipients"]:
        return [say(texts.FORWARD_NOTHING_PENDING)]
    data["principal"] = ["p", person_id]
    ctx.save("forward", data)
    return [_chosen_reply(ctx, letter, data)]


def _roles(letter: Letter, data: dict) -> list[tuple[list, str]]:
    has_principal = any(a.role == "principal" and a.status in ("sent", "acknowledged") for a in letter.assignments)
    principal = data.get("principal") or (data["recipients"][0] if data["recipients"] else None)
    return [(r, "principal" if (r == principal and not has_principal) else "copy") for r in data["recipients"]]


def _name(ctx: Ctx, r: list) -> str:
    kind, ident = r[0], r[1]
    row = ctx.session.get(Person if kind == "p" else Unit, ident)
    return row.name if row is not None else str(ident)


ROLE_TH = {"principal": "เจ้าของเรื่อง", "copy": "สำเนา"}


def _chosen_reply(ctx: Ctx, letter: Letter, data: dict) -> Reply:
    roles = _roles(letter, data)
    names = ", ".join(f"{_name(ctx, r)} ({ROLE_TH[role]})" for r, role in roles)
    text = texts.OWNER_CHOSEN.format(names=names)
    buttons = tuple(Button(th, payloads.make("fp", letter.id, key), "primary" if key == "act" else "secondary")
                    for key, th in PURPOSE_TH.items())
    quick: list[Button] = []
    if len(roles) > 1:
        quick += [Button(label(texts.BUTTON["make_principal"].format(name=short_name(_name(ctx, r)).split()[0])),
                         payloads.make("fm", letter.id, r[1])) for r, role in roles if role == "copy" and r[0] == "p"]
    chosen = {r[1] for r in data["recipients"] if r[0] == "p"}
    quick += [Button(label("+ " + short_name(p.name)), payloads.make("fo", letter.id, p.id))
              for p in candidates(ctx, letter, exclude=chosen)[:4]]
    card = Card(title=f"ส่งต่อเลขรับ {number_of(letter)}",
                fields=tuple(Field(ROLE_TH[role], _name(ctx, r)) for r, role in roles),
                buttons=buttons, footer="เลือกวัตถุประสงค์เพื่อส่ง", tone="info")
    return Reply(text=text, card=card, quick_replies=tuple(quick))


def search_person(ctx: Ctx, state, text: str) -> list[Reply]:
    data = dict(state.data)
    letter = get_letter(ctx.session, data["letter_id"])
    from nlp.names import strip_honorific

    query = strip_honorific(text.strip())
    people = find_people(ctx, query)
    if len(people) == 1:
        return _added(ctx, letter, data, [["p", people[0].id]])
    if not people:
        unit = find_unit(ctx, query)
        if unit is not None:
            return _added(ctx, letter, data, [["u", unit.id]])
        ctx.save("forward", data)
        return [say(texts.NO_PERSON_FOUND.format(query=query))]
    ctx.save("forward", data)
    quick = tuple(Button(label(short_name(p.name)), payloads.make("fo", letter.id, p.id)) for p in people)
    return [say(texts.MANY_PEOPLE_FOUND.format(query=query), quick=quick)]


# --- sending --------------------------------------------------------------------------------------

def send(ctx: Ctx, letter_id: int, purpose: str) -> list[Reply]:
    data = _state_for(ctx, letter_id, lock=True)
    if data is None or not data["recipients"] or purpose not in PURPOSE_TH:
        return [say(texts.FORWARD_NOTHING_PENDING)]
    letter = get_letter(ctx.session, letter_id)
    return _do_forward(ctx, letter, data, purpose)


def _do_forward(ctx: Ctx, letter: Letter, data: dict, purpose: str, instruction: str | None = None) -> list[Reply]:
    roles = _roles(letter, data)
    recipients = tuple(
        Recipient(person_id=r[1], role=role) if r[0] == "p" else Recipient(unit_id=r[1], role=role)
        for r, role in roles
    )
    result = registry_forward(ctx.session, Forward(letter.id, recipients, purpose, instruction),
                              actor=ctx.actor, clock=ctx.clock)
    ctx.save("letter", {"letter_id": letter.id, "number": number_of(letter)})
    lines = []
    for aid in result.assignment_ids:
        a = ctx.session.get(Assignment, aid)
        who = a.person.name if a.person is not None else (a.unit.name if a.unit is not None else "-")
        line = f"• {who} ({ROLE_TH[a.role]})"
        if a.due_at is not None:
            line += f" กำหนดรับทราบ {thai_datetime(a.due_at)}"
        lines.append(line)
    text = texts.FORWARDED.format(number=number_of(letter), purpose=PURPOSE_TH[purpose], lines="\n".join(lines))
    quick = (Button(texts.BUTTON["status"], payloads.make("st", letter.id)),)
    return [say(text, quick=quick)]


def typed(ctx: Ctx, result: Any, text: str) -> list[Reply]:
    """``ส่งต่อ 15 ให้ สมชาย เพื่อดำเนินการ`` — without a purpose the purpose buttons are offered."""
    number = result.value("number")
    if not number:
        return [say(texts.NEED_NUMBER.format(example="ส่งต่อ 15 ให้ สมชาย เพื่อดำเนินการ"))]
    letters = [lt for lt in letters_by_number(ctx, str(number))
               if access.may_manage(ctx.viewer, lt.unit_id)]
    if not letters:
        return [say(texts.NUMBER_NOT_FOUND.format(number=number))]
    if len(letters) > 1:
        return [_pick_letter(letters, number, "fw")]
    letter = letters[0]
    data = _new_state(letter)
    recipient = result.value("recipient")
    if not recipient:
        return start(ctx, letter.id)
    unresolved: list[str] = []
    rec = str(recipient)
    mark = _COPY_MARK.search(rec)
    principal_part, copy_part = (rec[: mark.start()], rec[mark.end():]) if mark else (rec, "")
    chosen: list[list] = []
    for part, role in ((principal_part, "principal"), (copy_part, "copy")):
        for name in (n for n in _SPLIT.split(part or "") if n.strip()):
            r = _resolve_recipient(ctx, name)
            if r is None:
                unresolved.append(name.strip())
            elif r not in chosen:
                chosen.append(r)
                if role == "principal" and data["principal"] is None:
                    data["principal"] = r
    if unresolved:
        ctx.save("forward", dict(data, recipients=chosen))
        return [say(texts.NO_PERSON_FOUND.format(query=", ".join(unresolved)))]
    data["recipients"] = chosen
    purpose = result.value("purpose") if result.value("purpose") in PURPOSE_TH else None
    if purpose is None:
        ctx.save("forward", data)
        return [_chosen_reply(ctx, letter, data)]
    return _do_forward(ctx, letter, data, purpose)


def pick_typed(ctx: Ctx, state, name: str, purpose: str | None) -> list[Reply]:
    """A name typed (or said in a sentence) while the picker is open. With a purpose as well
    ("ส่งให้พี่ธนาเพื่อทราบ") and exactly one person of that name, it is sent at once: the picker
    names the letter and the message names the person and the purpose."""
    replies = search_person(ctx, state, name)
    if purpose not in PURPOSE_TH or _resolve_recipient(ctx, name) is None:
        return replies  # no purpose said, or nobody / several found: the buttons ask
    return send(ctx, state.data["letter_id"], purpose)


def letter_in_chat(ctx: Ctx, state, name: str, purpose: str | None) -> list[Reply]:
    """"ฝากส่งน้องวิภาวดีด้วยนะคะ" right after a receipt: the letter of this chat, the person named.
    The message does not name the letter, so nothing is sent yet: the chosen recipient is shown
    with the purpose buttons (the letter's number on the card) to press."""
    letter = get_letter(ctx.session, int(state.data["letter_id"]))
    _require_clerk(ctx, letter)
    data = _new_state(letter)
    ctx.save("forward", data)
    fresh = ctx.state()
    replies = search_person(ctx, fresh, name)
    if purpose in PURPOSE_TH and replies and replies[0].card is not None:
        r = replies[0]
        hint = texts.PURPOSE_READ.format(purpose=PURPOSE_TH[purpose])
        replies[0] = Reply(text=f"{r.text}\n{hint}", card=r.card, quick_replies=r.quick_replies)
    return replies


def _resolve_recipient(ctx: Ctx, name: str) -> list | None:
    from nlp.names import strip_honorific

    name = strip_honorific(name)
    people = find_people(ctx, name)
    if len(people) == 1:
        return ["p", people[0].id]
    unit = find_unit(ctx, name)
    if unit is not None:
        return ["u", unit.id]
    return None


def _pick_letter(letters: list[Letter], number: str, action: str) -> Reply:
    quick = tuple(Button(label(f"{number_of(lt)} {lt.unit.short_name or lt.unit.code}"), payloads.make(action, lt.id))
                  for lt in letters[:6])
    return say(texts.NUMBER_AMBIGUOUS.format(number=number), quick=quick)
