"""Retention and disposal: retention classes, legal holds, the yearly disposal list, carrying it out.

ระเบียบงานสารบรรณ ข้อ 66-72: letters are kept at least 10 years (5 for financial evidence, 1 for
routine matters, some permanently); within 60 days after each calendar year a list of letters due
for destruction (บัญชีหนังสือขอทำลาย, แบบที่ 25) goes to a committee, which decides each row:
destroy, keep for more years, or hand to the National Archives.

- A letter's due date counts from closing (``closed_at``) plus its retention class, or from a
  committee's "keep" verdict (``retain_until``), whichever is later. Permanent letters, letters on
  legal hold, and letters not closed are never due.
- :func:`draft_list` makes the year's list for a unit; :func:`record_verdict` records a row's
  verdict; :func:`carry_out` refuses while any row lacks one ("nothing is destroyed without a
  recorded verdict"), then empties destroyed letters of their content and files. The register
  row, its number and its chained events stay, so completeness and ``saraban verify`` still hold
  (the events keep what the register recorded at the time: that is the record of what was destroyed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.clock import SYSTEM_CLOCK, Clock
from registry.commands import RETENTION
from registry.errors import InvalidInput, NotFound, RegistryError
from registry.events import Actor, append_event
from registry.lifecycle import transition
from registry.models import Attachment, DisposalItem, DisposalList, Letter
from registry.access import COMMITTEE as COMMITTEE_GRANT
from registry.access import MANAGE, require
from registry.timeutil import BANGKOK
from registry.validation import clean_text

RETENTION_YEARS = {"1y": 1, "5y": 5, "10y": 10}
VERDICTS = ("destroy", "keep", "archive")
VERDICT_TH = {"destroy": "ทำลาย", "keep": "เก็บไว้ต่อ", "archive": "ส่งหอจดหมายเหตุแห่งชาติ"}
# Official column order of แบบที่ 25 (บัญชีหนังสือขอทำลาย).
LIST_HEADERS = ("ลำดับที่", "รหัสแฟ้ม", "ที่", "ลงวันที่", "เรื่อง", "การพิจารณา", "หมายเหตุ")
# Content a destroyed letter no longer keeps (its number, dates, classes and status stay).
CONTENT = ("ref_no", "ref_no_norm", "sender", "addressee", "subject", "enclosures", "remarks", "sent_via")


class DisposalError(RegistryError):
    code = "invalid"


@dataclass(frozen=True)
class CarriedOut:
    destroyed: tuple[int, ...]
    kept: tuple[int, ...]
    archived: tuple[int, ...]
    files: tuple[str, ...]  # storage paths to remove once the transaction has committed (remove_files)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def due_date(letter: Letter) -> dt.date | None:
    """When *letter* may first be listed for destruction; None when it never is (yet)."""
    years = RETENTION_YEARS.get(letter.retention)
    if years is None or letter.closed_at is None or letter.legal_hold or letter.status != "closed":
        return None
    due = _add_years(letter.closed_at.astimezone(BANGKOK).date(), years)
    return max(due, letter.retain_until) if letter.retain_until else due


def _letter(session: Session, letter_id: int) -> Letter:
    from registry.assignments import get_letter

    return get_letter(session, letter_id, lock=True)


def set_retention(session: Session, letter_id: int, retention: str, reason: str, *, actor: Actor,
                  clock: Clock = SYSTEM_CLOCK) -> Letter:
    """Change a letter's retention class (อายุการเก็บ), with a reason, as an event."""
    if retention not in RETENTION:
        raise InvalidInput("retention", "อายุการเก็บต้องเป็น 1 ปี 5 ปี 10 ปี หรือเก็บตลอดไป")
    reason = clean_text("reason", reason)
    if not reason:
        raise InvalidInput("reason", "กรุณาระบุเหตุผลที่เปลี่ยนอายุการเก็บ")
    letter = _letter(session, letter_id)
    require(session, actor, letter.unit_id, MANAGE, "เปลี่ยนอายุการเก็บหนังสือนี้")
    before, letter.retention, letter.updated_at = letter.retention, retention, clock.now()
    append_event(session, kind="letter.retention_changed", entity="letter", entity_id=letter.id, actor=actor,
                 at=clock.now(), data={"before": before, "after": retention, "reason": reason})
    return letter


def set_legal_hold(session: Session, letter_id: int, hold: bool, reason: str, *, actor: Actor,
                   clock: Clock = SYSTEM_CLOCK) -> Letter:
    """Put a letter on legal hold (kept off every disposal list) or release it, with a reason."""
    reason = clean_text("reason", reason)
    if not reason:
        raise InvalidInput("reason", "กรุณาระบุเหตุผลของการระงับการทำลาย")
    letter = _letter(session, letter_id)
    require(session, actor, letter.unit_id, COMMITTEE_GRANT, "ระงับหรือยกเลิกการระงับการทำลายหนังสือนี้")
    letter.legal_hold, letter.updated_at = hold, clock.now()
    append_event(session, kind="letter.legal_hold", entity="letter", entity_id=letter.id, actor=actor,
                 at=clock.now(), data={"hold": hold, "reason": reason})
    return letter


def draft_list(session: Session, unit_id: int, year: int, *, actor: Actor, clock: Clock = SYSTEM_CLOCK) -> DisposalList:
    """Draft the unit's disposal list for Buddhist-era *year*: every closed letter of the unit due
    by the end of that year, not on hold and not on another list still open. One open list per
    unit and year."""
    require(session, actor, unit_id, MANAGE, "จัดทำบัญชีหนังสือขอทำลาย")
    if session.execute(select(DisposalList.id).where(DisposalList.unit_id == unit_id, DisposalList.year == year,
                                                     DisposalList.status == "draft")).first() is not None:
        raise DisposalError(f"มีร่างบัญชีหนังสือขอทำลายปี พ.ศ. {year} ของหน่วยงานนี้อยู่แล้ว")
    listed = select(DisposalItem.letter_id).join(DisposalList, DisposalList.id == DisposalItem.list_id).where(
        DisposalList.status == "draft")
    end = dt.date(year - 543, 12, 31)
    candidates = session.execute(
        select(Letter).where(Letter.unit_id == unit_id, Letter.status == "closed", Letter.sandbox.is_(False),
                             Letter.legal_hold.is_(False), Letter.retention.in_(tuple(RETENTION_YEARS)),
                             Letter.id.not_in(listed)).order_by(Letter.closed_at, Letter.id)).unique().scalars()
    now = clock.now()
    dlist = DisposalList(unit_id=unit_id, year=year, status="draft", created_at=now, created_by=actor.person_id)
    session.add(dlist)
    session.flush()
    due_rows = [(letter, due) for letter in candidates if (due := due_date(letter)) is not None and due <= end]
    session.add_all(DisposalItem(list_id=dlist.id, letter_id=letter.id, due=due) for letter, due in due_rows)
    session.flush()
    append_event(session, kind="disposal.drafted", entity="disposal_list", entity_id=dlist.id, actor=actor, at=now,
                 data={"unit_id": unit_id, "year": year, "letters": [letter.id for letter, _ in due_rows]})
    session.refresh(dlist)
    return dlist


def record_verdict(session: Session, item_id: int, verdict: str, *, actor: Actor, keep_years: int | None = None,
                   note: str | None = None, clock: Clock = SYSTEM_CLOCK) -> DisposalItem:
    """The committee's verdict on one row: ทำลาย, เก็บไว้ต่อ (with 1-50 more years) or ส่งหอจดหมายเหตุ."""
    item = session.get(DisposalItem, item_id, with_for_update=True)
    if item is None:
        raise NotFound("รายการในบัญชีหนังสือขอทำลาย", item_id)
    dlist = session.get(DisposalList, item.list_id)
    require(session, actor, dlist.unit_id, COMMITTEE_GRANT, "บันทึกมติคณะกรรมการทำลายหนังสือ")
    if dlist.status != "draft":
        raise DisposalError("บัญชีนี้ดำเนินการแล้ว แก้ไขมติไม่ได้")
    if verdict not in VERDICTS:
        raise InvalidInput("verdict", "มติต้องเป็น ทำลาย เก็บไว้ต่อ หรือ ส่งหอจดหมายเหตุแห่งชาติ")
    if verdict == "keep" and not (isinstance(keep_years, int) and 1 <= keep_years <= 50):
        raise InvalidInput("keep_years", "กรุณาระบุจำนวนปีที่เก็บไว้ต่อ (1-50 ปี)")
    now = clock.now()
    item.verdict, item.keep_years = verdict, (keep_years if verdict == "keep" else None)
    item.note, item.decided_by, item.decided_at = clean_text("note", note), actor.person_id, now
    append_event(session, kind="disposal.verdict", entity="disposal_list", entity_id=dlist.id, actor=actor, at=now,
                 data={"item_id": item.id, "letter_id": item.letter_id, "verdict": verdict,
                       "keep_years": item.keep_years, "note": item.note})
    return item


def carry_out(session: Session, list_id: int, *, actor: Actor, clock: Clock = SYSTEM_CLOCK) -> CarriedOut:
    """Carry out a decided list. Refused while a row has no verdict or a letter went on hold since.
    Destroyed letters lose their content and attachment rows (the caller removes the files with
    :func:`remove_files` after commit); kept ones get a later due date; archived ones change state."""
    dlist = session.get(DisposalList, list_id, with_for_update=True)
    if dlist is None:
        raise NotFound("บัญชีหนังสือขอทำลาย", list_id)
    require(session, actor, dlist.unit_id, COMMITTEE_GRANT, "ดำเนินการตามบัญชีหนังสือขอทำลาย")
    if dlist.status != "draft":
        raise DisposalError("บัญชีนี้ดำเนินการไปแล้ว")
    undecided = [i for i in dlist.items if i.verdict is None]
    if undecided:
        raise DisposalError(f"ยังไม่มีมติคณะกรรมการอีก {len(undecided)} รายการ จึงยังดำเนินการไม่ได้")
    now = clock.now()
    destroyed, kept, archived, files = [], [], [], []
    for item in dlist.items:
        letter = _letter(session, item.letter_id)
        if letter.legal_hold:
            raise DisposalError(f"หนังสือรายการที่ {item.id} ถูกระงับการทำลายหลังร่างบัญชี กรุณาร่างบัญชีใหม่")
        if item.verdict == "keep":
            letter.retain_until = _add_years(item.due, item.keep_years or 0)
            kept.append(letter.id)
            continue
        action = "destroy" if item.verdict == "destroy" else "archive"
        t = transition(letter.status, action)
        before, letter.status, letter.updated_at = letter.status, t.target, now
        data = {"disposal_list_id": dlist.id, "before": before, "after": t.target}
        if action == "destroy":
            for field in CONTENT:
                setattr(letter, field, None)
            letter.search_text, letter.destroyed_at = "", now
            for att in session.execute(select(Attachment).where(Attachment.letter_id == letter.id)).scalars():
                files.append(att.storage_path)
                session.delete(att)
            data["files_removed"] = len(files)
            destroyed.append(letter.id)
        else:
            archived.append(letter.id)
        append_event(session, kind=f"letter.{t.target}", entity="letter", entity_id=letter.id, actor=actor, at=now,
                     data=data)
    dlist.status, dlist.carried_out_at, dlist.carried_out_by = "carried_out", now, actor.person_id
    append_event(session, kind="disposal.carried_out", entity="disposal_list", entity_id=dlist.id, actor=actor,
                 at=now, data={"destroyed": destroyed, "kept": kept, "archived": archived})
    return CarriedOut(tuple(destroyed), tuple(kept), tuple(archived), tuple(files))


def remove_files(attachments_dir: Path, paths: tuple[str, ...]) -> int:
    """Delete destroyed letters' files (after the transaction that destroyed them committed; a
    crash before this leaves files no row points at, which is safe and removable later)."""
    removed = 0
    for rel in paths:
        path = (attachments_dir / rel) if not Path(rel).is_absolute() else Path(rel)
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            pass
    return removed


def list_rows(dlist: DisposalList, letters: dict[int, Letter]) -> list[tuple[str, ...]]:
    """The list's rows in แบบที่ 25's column order (LIST_HEADERS), verdicts in Thai."""
    from registry.timeutil import thai_date

    rows = []
    for n, item in enumerate(dlist.items, start=1):
        letter = letters[item.letter_id]
        reg = letter.registration
        file_code = f"{reg.book.unit.code} {reg.number}/{reg.book.year}" if reg else ""
        verdict = VERDICT_TH.get(item.verdict or "", "")
        if item.verdict == "keep":
            verdict += f" {item.keep_years} ปี"
        rows.append((str(n), file_code, letter.ref_no or "",
                     thai_date(letter.letter_date, short=True) if letter.letter_date else "", letter.subject or "",
                     verdict, item.note or ""))
    return rows
