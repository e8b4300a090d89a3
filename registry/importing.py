"""Bringing an existing register in (an office that starts mid-year), and numbering a paper book on.

The rows come as cells (from an XLSX or CSV the admin room reads) with a column for each field;
the export's own layout (the official column order) is recognised by its headers, any other layout
is mapped by hand. Everything is checked first and every problem is named by its row; only a file
without problems is written, all of it in one transaction (all or nothing):

- the numbers must continue the book without a gap or a repeat (a gapless prefix of an empty book,
  or exactly the next numbers of a book already started), each row's date within the book's year;
- each letter is written closed (its handling is on paper; the การปฏิบัติ column is kept as it was
  written in ``letters.imported_action``), a row the export marked ``ยกเลิก …`` as cancelled, a row
  marked ``[ลับ]`` with its secrecy; one ``letter.imported`` event per row and one ``book.imported``;
- the book's counter then stands at the last imported number, so the chat and the web continue after it.

``set_next_number`` is the paper book's way: the numbers before it are on paper (a ``PaperRange``,
which the completeness check counts as the paper book's, not as gaps); never below an issued number.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from registry.clock import SYSTEM_CLOCK, Clock
from registry.commands import SECRECY_TH
from registry.errors import InvalidInput
from registry.events import Actor, append_event
from registry.intake import _insert_letter, build_search_text
from registry.models import Book, PaperRange, Registration, Unit
from registry.numbering import _create_book, book_year
from registry.access import MANAGE, require
from registry.refkey import ref_key
from registry.timeutil import BANGKOK, MONTHS_TH, MONTHS_TH_SHORT
from registry.validation import clean_text

FIELDS = ("received", "number", "ref_no", "letter_date", "sender", "addressee", "subject", "action", "remarks")
FIELD_TH = {"received": "วันที่ลงรับ", "number": "เลขทะเบียน", "ref_no": "ที่", "letter_date": "ลงวันที่", "sender": "จาก",
            "addressee": "ถึง", "subject": "เรื่อง", "action": "การปฏิบัติ", "remarks": "หมายเหตุ"}
REQUIRED = ("received", "number")
# Header words that name each field: the export's own headers first, then what other books call them.
HEADER_WORDS = {
    "received": ("วันที่ลงรับ", "วันที่รับ", "วันรับ", "วันที่", "วันที่ส่ง", "วันที่ออกเลข"),
    "number": ("เลขทะเบียนรับ", "เลขทะเบียนส่ง", "เลขรับ", "เลขที่รับ", "เลขส่ง", "เลขทะเบียน", "ลำดับ", "เลขที่"),
    "ref_no": ("ที่", "เลขที่หนังสือ", "ที่หนังสือ", "เลขหนังสือ"),
    "letter_date": ("ลงวันที่", "ลว.", "วันที่หนังสือ", "หนังสือลงวันที่"),
    "sender": ("จาก", "ผู้ส่ง", "หน่วยงานผู้ส่ง"),
    "addressee": ("ถึง", "เรียน", "ผู้รับ"),
    "subject": ("เรื่อง", "ชื่อเรื่อง"),
    "action": ("การปฏิบัติ", "การดำเนินการ", "ผู้รับผิดชอบ"),
    "remarks": ("หมายเหตุ",),
}
WITHHELD = "(ชั้นความลับ — สงวนเนื้อหา)"  # what an export shows a reader without clearance
_SECRECY_BY_TH = {v: k for k, v in SECRECY_TH.items()}
_SECRECY_PREFIX = re.compile(r"^\[(ลับที่สุด|ลับมาก|ลับ)\] ?")
_CANCELLED = re.compile(r"(?:^|\s)ยกเลิก (\d{1,2}) (\S+) (\d{4}) เวลา (\d{2}):(\d{2}) น\.: (.*)$", re.S)
_MONTH = {m: i for i, m in enumerate(MONTHS_TH_SHORT, start=1)} | {m: i for i, m in enumerate(MONTHS_TH, start=1)}
_MONTH |= {m.replace(".", ""): i for m, i in list(_MONTH.items())}
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_TEXT_DATE = re.compile(r"^(\d{1,2})\s*([^\d\s/.-][^\d]*?)\s*(\d{4})$")
_NUM_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")
_NUMBER = re.compile(r"^(\d+)(?:\s*/\s*(\d{4}))?$")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Problem:
    row: int  # the row's line in the file (1 = the first line); 0 for the file as a whole
    message: str
    column: str | None = None  # a field name (FIELDS)

    @property
    def column_th(self) -> str:
        return FIELD_TH.get(self.column or "", "")


@dataclass
class Row:
    line: int
    received: dt.date
    number: int
    ref_no: str | None = None
    letter_date: dt.date | None = None
    sender: str | None = None
    addressee: str | None = None
    subject: str | None = None
    action: str = ""
    remarks: str | None = None
    secrecy: str | None = None
    cancelled_at: dt.datetime | None = None
    cancel_reason: str | None = None


@dataclass
class Plan:
    """What an import would write, or why it cannot."""

    unit_id: int
    unit_code: str
    direction: str
    year: int
    mapping: dict[str, int]
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    last_before: int = 0  # the book's last number before the import
    numbers: list[tuple[int, int]] = field(default_factory=list)  # (line, number) of every row with a number

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    @property
    def first(self) -> int:
        return self.last_before + 1

    @property
    def last(self) -> int:
        return self.last_before + len(self.rows)


@dataclass(frozen=True)
class Imported:
    book_id: int
    count: int
    first: int
    last: int
    cancelled: int


def _norm_header(text: object) -> str:
    return re.sub(r"\s+", "", str(text or "")).strip()


def guess_mapping(headers: Sequence[object]) -> dict[str, int]:
    """Which column holds each field, from the header row's words (the export's headers map exactly)."""
    names = [_norm_header(h) for h in headers]
    mapping: dict[str, int] = {}
    taken: set[int] = set()
    for fld in FIELDS:  # exact words first, in the order each field lists them
        for word in HEADER_WORDS[fld]:
            hits = [i for i, n in enumerate(names) if n == word and i not in taken]
            if hits:
                mapping[fld] = hits[0]
                taken.add(hits[0])
                break
    return mapping


def find_header(rows: Sequence[Sequence[object]], *, look: int = 15) -> int | None:
    """The index of the header row among the first rows (the export puts a title above it): the
    first row naming both a date and a number column."""
    for i, row in enumerate(rows[:look]):
        m = guess_mapping(row)
        if "received" in m and "number" in m:
            return i
    return None


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    # the export neutralised a formula-like cell with a leading quote (OWASP): take it off again
    if text.startswith("'") and text[1:].startswith(_FORMULA):
        text = text[1:]
    return text if text.strip() else None


def parse_date(value: object) -> dt.date | None:
    """A cell as a date: a real date, or text such as ``5 ต.ค. 2567``, ``5 ตุลาคม 2567``, ``5/10/2567``
    (พ.ศ.; a year below 2400 is taken as ค.ศ.), ``2024-10-05``. ValueError when it is not one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = " ".join(str(value).translate(_THAI_DIGITS).split())
    if m := _ISO_DATE.match(text):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _NUM_DATE.match(text):
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif (m := _TEXT_DATE.match(text)) and m.group(2).strip() in _MONTH:
        d, mo, y = int(m.group(1)), _MONTH[m.group(2).strip()], int(m.group(3))
    else:
        raise ValueError(text)
    if y >= 2400:
        y -= 543
    return dt.date(y, mo, d)


def _cell(cells: Sequence[object], mapping: dict[str, int], fld: str) -> object:
    i = mapping.get(fld)
    return cells[i] if i is not None and i < len(cells) else None


def plan_import(session: Session, *, unit: Unit, direction: str, year: int, rows: Sequence[tuple[int, Sequence[object]]],
                mapping: dict[str, int], today: dt.date) -> Plan:
    """Check every row (cells by *mapping*) against the book (*unit*, *direction*, *year* พ.ศ.); nothing
    is written. *rows* are (line in the file, cells)."""
    plan = Plan(unit.id, unit.code, direction, year, dict(mapping))
    for fld in REQUIRED:
        if fld not in mapping:
            plan.problems.append(Problem(0, f"ยังไม่ได้เลือกคอลัมน์ {FIELD_TH[fld]} กรุณาจับคู่คอลัมน์", fld))
    if direction not in ("incoming", "outgoing", "circular"):
        plan.problems.append(Problem(0, "ทะเบียนต้องเป็นหนังสือรับ หนังสือส่ง หรือหนังสือเวียน"))
    if plan.problems:
        return plan
    book = session.execute(select(Book).where(Book.unit_id == unit.id, Book.direction == direction, Book.year == year,
                                              Book.sandbox.is_(False))).scalar_one_or_none()
    plan.last_before = book.last_number if book else 0
    for line, cells in rows:
        if all(_text(c) is None for c in cells):
            continue  # an empty line
        row = _parse_row(plan, unit, line, cells, mapping, today)
        if row is not None:
            plan.rows.append(row)
    if not plan.rows and not plan.problems:
        plan.problems.append(Problem(0, "ไม่พบแถวข้อมูลในไฟล์"))
    _check_numbers(plan)
    return plan


def _parse_row(plan: Plan, unit: Unit, line: int, cells, mapping, today: dt.date) -> Row | None:
    problems: list[Problem] = []

    def problem(fld: str | None, message: str) -> None:
        problems.append(Problem(line, message, fld))

    for fld in FIELDS:
        if _text(_cell(cells, mapping, fld)) == WITHHELD:
            problem(fld, "ช่องนี้ถูกสงวนเนื้อหา (ชั้นความลับ) ในไฟล์ที่ส่งออก กรุณาใช้ไฟล์ที่ส่งออกโดยผู้มีสิทธิ์อ่าน")
    received = letter_date = None
    try:
        received = parse_date(_cell(cells, mapping, "received"))
        if received is None:
            problem("received", "ไม่มีวันที่ลงรับ")
        elif received > today:
            problem("received", f"วันที่ลงรับอยู่ในอนาคต ({_be(received)})")
        elif book_year(dt.datetime.combine(received, dt.time(), BANGKOK), unit.book_reset) != plan.year:
            problem("received", f"วันที่ {_be(received)} ไม่อยู่ในทะเบียนปี พ.ศ. {plan.year}")
    except ValueError:
        problem("received", f"อ่านวันที่ลงรับไม่ได้: {_text(_cell(cells, mapping, 'received'))!r} "
                            "(ใช้รูปแบบ 5 ต.ค. 2567 หรือ 5/10/2567)")
    try:
        letter_date = parse_date(_cell(cells, mapping, "letter_date"))
    except ValueError:
        problem("letter_date", f"อ่านวันที่ของหนังสือไม่ได้: {_text(_cell(cells, mapping, 'letter_date'))!r}")
    number = None
    raw = _text(_cell(cells, mapping, "number"))
    m = _NUMBER.match((raw or "").translate(_THAI_DIGITS).strip())
    if raw is None:
        problem("number", "ไม่มีเลขทะเบียน")
    elif m is None or int(m.group(1)) < 1:
        problem("number", f"เลขทะเบียนต้องเป็นจำนวนเต็มบวก: {raw!r}")
    elif m.group(2) and int(m.group(2)) != plan.year:
        problem("number", f"เลข {raw} เป็นของปี พ.ศ. {m.group(2)} ไม่ใช่ปี {plan.year}")
    else:
        number = int(m.group(1))
        plan.numbers.append((line, number))
    values: dict[str, str | None] = {}
    for fld in ("ref_no", "sender", "addressee", "subject", "action", "remarks"):
        try:
            values[fld] = clean_text(fld if fld != "action" else "remarks", _text(_cell(cells, mapping, fld)))
        except InvalidInput as e:
            problem(fld, f"{FIELD_TH[fld]}: {e.message_th}")
    remarks, secrecy, cancelled_at, reason = values.get("remarks"), None, None, None
    if remarks and (s := _SECRECY_PREFIX.match(remarks)):
        secrecy = _SECRECY_BY_TH[s.group(1)]
        remarks = remarks[s.end():] or None
    if remarks and (c := _CANCELLED.search(remarks)):
        day, month, be, hh, mm, reason = c.groups()
        try:
            cancelled_at = dt.datetime(int(be) - 543, _MONTH[month], int(day), int(hh), int(mm), tzinfo=BANGKOK)
        except (KeyError, ValueError):
            problem("remarks", f"อ่านวันเวลายกเลิกไม่ได้: {c.group(0).strip()!r}")
        remarks = remarks[:c.start()].strip() or None
        reason = reason.strip() or None
    if not values.get("subject") and secrecy != "top_secret" and number is not None:
        problem("subject", "ไม่มีเรื่อง")
    plan.problems.extend(problems)
    if problems or received is None or number is None:
        return None
    return Row(line, received, number, values.get("ref_no"), letter_date, values.get("sender"),
               values.get("addressee"), values.get("subject"), values.get("action") or "", remarks, secrecy,
               cancelled_at, reason)


def _check_numbers(plan: Plan) -> None:
    """The imported numbers continue the book with no gap and no repeat."""
    seen: dict[int, int] = {}
    for line, number in plan.numbers:  # rows with other problems count too: their numbers are taken
        if number in seen:
            plan.problems.append(Problem(line, f"เลข {number} ซ้ำกับแถวที่ {seen[number]}", "number"))
        else:
            seen[number] = line
        if number <= plan.last_before:
            plan.problems.append(Problem(line, f"เลข {number} ออกไปแล้วในทะเบียนนี้ (ทะเบียนมีเลขถึง "
                                                   f"{plan.last_before}) เลขที่นำเข้าต้องเริ่มที่ {plan.last_before + 1}",
                                         "number"))
    if not seen:
        return
    top = max(seen)
    missing = [n for n in range(plan.last_before + 1, top + 1) if n not in seen]
    if missing:
        plan.problems.append(Problem(0, "เลขทะเบียนต้องต่อเนื่องไม่ขาด: ไม่มีเลข " + _ranges(missing)
                                     + f" (ต้องมีครบตั้งแต่ {plan.last_before + 1} ถึง {top})", "number"))
    plan.rows.sort(key=lambda r: r.number)
    plan.problems.sort(key=lambda p: p.row)


def _ranges(numbers: list[int], shown: int = 12) -> str:
    parts: list[str] = []
    start = prev = numbers[0]
    for n in numbers[1:] + [None]:  # type: ignore[list-item]
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts[:shown]) + (f" และอีก {len(parts) - shown} ช่วง" if len(parts) > shown else "")


def _be(day: dt.date) -> str:
    from registry.timeutil import thai_date

    return thai_date(day, short=True)


def import_register(session: Session, plan: Plan, *, actor: Actor, source: str = "", sha256: str | None = None,
                    clock: Clock = SYSTEM_CLOCK) -> Imported:
    """Write a checked plan, all of it or nothing (the caller's transaction); InvalidInput if it has problems
    or if the book moved since it was checked."""
    if not plan.ok:
        raise InvalidInput("file", "ไฟล์ยังมีปัญหา กรุณาแก้ไขให้ครบก่อนนำเข้า")
    now = clock.now()
    unit = session.get(Unit, plan.unit_id)
    require(session, actor, unit.id, MANAGE, "นำเข้าทะเบียนของหน่วยงานนี้")
    created = dt.datetime.combine(dt.date(plan.year - 543, 1, 1), dt.time(), BANGKOK)
    _create_book(session, unit, plan.direction, plan.year, False, min(now, created))
    moved = session.execute(
        update(Book).where(Book.unit_id == unit.id, Book.direction == plan.direction, Book.year == plan.year,
                           Book.sandbox.is_(False), Book.last_number == plan.last_before)
        .values(last_number=plan.last).returning(Book.id)).first()
    if moved is None:
        raise InvalidInput("file", "มีการลงทะเบียนในทะเบียนนี้ระหว่างตรวจไฟล์ กรุณาตรวจไฟล์อีกครั้ง")
    book_id = moved.id
    conn = session.connection()
    cancelled = 0
    for row in plan.rows:
        received_at = dt.datetime.combine(row.received, dt.time(), BANGKOK)
        content = (row.subject, row.sender, row.addressee, row.ref_no)
        letter = dict(
            unit_id=unit.id, direction=plan.direction, kind="external", ref_no=row.ref_no, ref_no_norm=ref_key(row.ref_no),
            letter_date=row.letter_date, sender=row.sender, addressee=row.addressee, subject=row.subject,
            priority="normal", secrecy=row.secrecy, remarks=row.remarks, retention="10y",
            status="cancelled" if row.cancelled_at else "closed", sandbox=False,
            closed_at=None if row.cancelled_at else received_at, imported_action=row.action,
            search_text=build_search_text(*content),
        )
        letter_id = _insert_letter(session, letter, now, actor)
        conn.execute(_INSERT_REGISTRATION, {
            "book_id": book_id, "number": row.number, "letter_id": letter_id, "received_at": received_at,
            "created_at": now, "created_by": actor.person_id, "cancelled_at": row.cancelled_at,
            "cancel_reason": row.cancel_reason})
        cancelled += row.cancelled_at is not None
        append_event(session, kind="letter.imported", entity="letter", entity_id=letter_id, actor=actor, at=now,
                     data={"book_id": book_id, "year": plan.year, "number": row.number, "received_at": received_at,
                           "unit_id": unit.id, "line": row.line, "source": source, "action": row.action,
                           "cancelled_at": row.cancelled_at, "cancel_reason": row.cancel_reason,
                           "after": {k: letter[k] for k in ("ref_no", "letter_date", "sender", "addressee", "subject",
                                                              "secrecy", "remarks", "status")}})
    append_event(session, kind="book.imported", entity="book", entity_id=book_id, actor=actor, at=now,
                 data={"unit_id": unit.id, "direction": plan.direction, "year": plan.year, "first": plan.first,
                       "last": plan.last, "count": len(plan.rows), "cancelled": cancelled, "source": source,
                       "sha256": sha256, "mapping": plan.mapping, "last_before": plan.last_before})
    return Imported(book_id, len(plan.rows), plan.first, plan.last, cancelled)


_INSERT_REGISTRATION = Registration.__table__.insert()


# ---------------------------------------------------------------- a paper book numbered on

@dataclass(frozen=True)
class NextNumber:
    book_id: int
    before: int  # the next number before
    after: int  # the next number now


def set_next_number(session: Session, *, unit: Unit, direction: str, year: int, next_number: int, reason: str | None,
                    actor: Actor, clock: Clock = SYSTEM_CLOCK) -> NextNumber:
    """เลขถัดไป of a book kept on paper until now: the book continues at *next_number*; the numbers
    before it (from the book's own next number) are the paper book's. Never at or below an issued number."""
    require(session, actor, unit.id, MANAGE, "ตั้งเลขถัดไปของทะเบียนหน่วยงานนี้")
    why = clean_text("reason", reason, required=True)
    if direction not in ("incoming", "outgoing", "circular"):
        raise InvalidInput("direction", "ทะเบียนต้องเป็นหนังสือรับ หนังสือส่ง หรือหนังสือเวียน")
    now = clock.now()
    _create_book(session, unit, direction, year, False, now)
    where = (Book.unit_id == unit.id, Book.direction == direction, Book.year == year, Book.sandbox.is_(False))
    # an UPDATE locks the book's row (as numbering does) for the rest of the transaction
    book_id, last = session.execute(update(Book).where(*where).values(last_number=Book.last_number)
                                    .returning(Book.id, Book.last_number)).one()
    before = last + 1
    if next_number <= last:
        raise InvalidInput("next_number", f"เลขถัดไปต้องไม่ต่ำกว่าเลขที่ออกไปแล้ว ทะเบียนนี้ออกเลขถึง {last} "
                                          f"เลขถัดไปจึงต้องเป็น {before} ขึ้นไป")
    if next_number == before:
        raise InvalidInput("next_number", f"เลขถัดไปของทะเบียนนี้คือ {before} อยู่แล้ว")
    session.add(PaperRange(book_id=book_id, first=before, last=next_number - 1, reason=why, set_at=now,
                           set_by=actor.person_id))
    session.execute(update(Book).where(Book.id == book_id).values(last_number=next_number - 1))
    append_event(session, kind="book.next_number_set", entity="book", entity_id=book_id, actor=actor, at=now,
                 data={"unit_id": unit.id, "direction": direction, "year": year, "before": before,
                       "after": next_number, "paper": [before, next_number - 1], "reason": why})
    return NextNumber(book_id, before, next_number)


def paper_ranges(session: Session, book_id: int) -> list[tuple[int, int]]:
    return [(r.first, r.last) for r in session.execute(
        select(PaperRange).where(PaperRange.book_id == book_id).order_by(PaperRange.first)).scalars()]
