"""The demo organisation for ``saraban init --demo`` (marked ``is_demo``; not a real directory).

Codes follow the real pattern (มท 02xx for สป.มท. divisions, provincial codes such as รย),
but the tree is illustrative: codes change when departments are reorganised, which is why the
directory is data with validity dates.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.clock import SYSTEM_CLOCK, Clock
from registry.models import Holiday, Membership, Person, Unit

# (key, code, name, short name, aliases, parent key)
UNITS = [
    ("mt", "มท", "กระทรวงมหาดไทย", "มท.", ["มหาดไทย"], None),
    ("spmt", "มท 02", "สำนักงานปลัดกระทรวงมหาดไทย", "สป.มท.", ["สป.", "สำนักงานปลัดกระทรวง"], "mt"),
    ("kk", "มท 0201", "กองกลาง สป.มท.", "กองกลาง", ["กก.สป."], "spmt"),
    ("kk_sb", "มท 0201.2", "ฝ่ายสารบรรณ กองกลาง", "ฝ่ายสารบรรณ", [], "kk"),
    ("kc", "มท 0202", "กองคลัง สป.มท.", "กองคลัง", [], "spmt"),
    ("kj", "มท 0203", "กองการเจ้าหน้าที่ สป.มท.", "กองการเจ้าหน้าที่", ["กจ."], "spmt"),
    ("snp", "มท 0205", "สำนักนโยบายและแผน สป.มท.", "สำนักนโยบายและแผน", ["สนผ."], "spmt"),
    ("skm", "มท 0209", "สำนักกฎหมาย สป.มท.", "สำนักกฎหมาย", ["สกม."], "spmt"),
    ("ict", "มท 0212", "ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร สป.มท.", "ศูนย์ไอซีที", ["ศทส."], "spmt"),
    ("ry", "รย 0017", "สำนักงานจังหวัดระยอง", "สนง.จ.ระยอง", ["จังหวัดระยอง"], "spmt"),
    ("cm", "ชม 0017", "สำนักงานจังหวัดเชียงใหม่", "สนง.จ.เชียงใหม่", ["จังหวัดเชียงใหม่"], "spmt"),
    ("kkn", "ขก 0017", "สำนักงานจังหวัดขอนแก่น", "สนง.จ.ขอนแก่น", ["จังหวัดขอนแก่น"], "spmt"),
]

# (name, position, clearance, [(unit key, role), ...])
PEOPLE = [
    ("นางสาวสมใจ ใจดี", "เจ้าพนักงานธุรการชำนาญงาน", "confidential", [("kk", "clerk"), ("kk_sb", "clerk")]),
    ("นายสมชาย รักงาน", "นักจัดการงานทั่วไปชำนาญการ", "secret", [("kk", "owner")]),
    ("นางวิภาวดี ศรีสุข", "นักวิเคราะห์นโยบายและแผนชำนาญการ", "none", [("kk", "owner")]),
    ("นายประเสริฐ มั่นคง", "ผู้อำนวยการกองกลาง", "top_secret", [("kk", "head")]),
    ("นายอดิศร ดูแลระบบ", "นักวิชาการคอมพิวเตอร์ชำนาญการ", "top_secret", [("spmt", "admin")]),
    ("นางกาญจนา ตรวจสอบ", "นักตรวจสอบภายในชำนาญการพิเศษ", "secret", [("spmt", "auditor")]),
    ("นายธนา การคลัง", "เจ้าพนักงานการเงินและบัญชี", "none", [("kc", "clerk"), ("kc", "owner")]),
    ("นางสาวพิมพ์ชนก นโยบาย", "เจ้าพนักงานธุรการ", "none", [("snp", "clerk")]),
    ("นายวีระ แผนงาน", "นักวิเคราะห์นโยบายและแผนปฏิบัติการ", "none", [("snp", "owner")]),
    ("นางสาวอรุณี ระยอง", "เจ้าพนักงานธุรการ", "none", [("ry", "clerk"), ("ry", "owner")]),
    ("นายสุรชัย เชียงใหม่", "เจ้าพนักงานธุรการ", "none", [("cm", "clerk"), ("cm", "owner")]),
]


def removed_holidays(session: Session) -> set[dt.date]:
    """Days an admin removed (``holiday.removed`` is their last event): ``saraban init``, run after
    every upgrade, must not bring back a holiday the cabinet moved and the admin took off the list."""
    from registry.models import Event

    last: dict[str, str] = {}
    for kind, data in session.execute(select(Event.kind, Event.data).where(
            Event.kind.in_(("holiday.set", "holiday.removed"))).order_by(Event.seq)):
        if isinstance(data, dict) and data.get("day"):
            last[str(data["day"])[:10]] = kind
    return {dt.date.fromisoformat(day) for day, kind in last.items() if kind == "holiday.removed"}


def load_holidays(session: Session) -> int:
    data = json.loads((Path(__file__).with_name("data") / "holidays_th.json").read_text("utf-8"))
    existing = set(session.execute(select(Holiday.day)).scalars()) | removed_holidays(session)
    added = 0
    for day, name in data["holidays"]:
        d = dt.date.fromisoformat(day)
        if d not in existing:
            session.add(Holiday(day=d, name=name))
            added += 1
    return added


def load_demo(session: Session, *, clock: Clock = SYSTEM_CLOCK) -> bool:
    """Create the demo organisation once; returns False if it is already there."""
    if session.execute(select(Unit.id).where(Unit.is_demo.is_(True)).limit(1)).first():
        return False
    now = clock.now()
    units: dict[str, Unit] = {}
    for key, code, name, short, aliases, parent in UNITS:
        unit = Unit(code=code, name=name, short_name=short, aliases=aliases, is_demo=True,
                    parent_id=units[parent].id if parent else None, valid_from=dt.date(2020, 1, 1),
                    book_reset="calendar")
        session.add(unit)
        session.flush()
        units[key] = unit
    for name, position, clearance, roles in PEOPLE:
        person = Person(name=name, position=position, clearance=clearance, is_demo=True, created_at=now)
        session.add(person)
        session.flush()
        for unit_key, role in roles:
            session.add(Membership(person_id=person.id, unit_id=units[unit_key].id, role=role))
    session.flush()
    return True


DEMO_LETTERS = [
    ("มท 0808.2/ว 1095", "สำนักงานส่งเสริมการปกครองท้องถิ่น", "ขอความร่วมมือรายงานผลการเบิกจ่ายงบประมาณ ไตรมาสที่ 4", "urgent", None),
    ("กค 0402.2/ว 195", "กรมบัญชีกลาง", "แนวทางปฏิบัติในการจัดซื้อจัดจ้างด้วยวิธีเฉพาะเจาะจง", "normal", None),
    ("มท 0603/ว 2075", "กรมป้องกันและบรรเทาสาธารณภัย", "การเตรียมความพร้อมรับมือสถานการณ์อุทกภัย", "most_urgent", None),
    ("รย 0017.3/4471", "สำนักงานจังหวัดระยอง", "ขอเชิญประชุมคณะกรรมการบริหารงานจังหวัดแบบบูรณาการ", "very_urgent", None),
    ("มท 0209/1234", "สำนักกฎหมาย สป.มท.", "ขอส่งความเห็นทางกฎหมายเรื่องการใช้ที่ดินสาธารณประโยชน์", "normal", "confidential"),
]


def load_demo_letters(session: Session, *, clock: Clock = SYSTEM_CLOCK) -> int:
    """A handful of registered and forwarded letters in กองกลาง so every page has something to show."""
    from registry.assignments import acknowledge, forward
    from registry.commands import Forward, Recipient, RegisterIncoming
    from registry.events import Actor
    from registry.intake import register_incoming

    kk = session.execute(select(Unit).where(Unit.code == "มท 0201", Unit.is_demo.is_(True))).scalar_one_or_none()
    if kk is None or session.execute(select(Membership.id).where(Membership.unit_id == kk.id)).first() is None:
        return 0
    from registry.models import Letter

    if session.execute(select(Letter.id).where(Letter.unit_id == kk.id).limit(1)).first():
        return 0
    clerk = session.execute(select(Membership.person_id).where(Membership.unit_id == kk.id, Membership.role == "clerk")).scalars().first()
    owners = session.execute(select(Membership.person_id).where(Membership.unit_id == kk.id, Membership.role == "owner")).scalars().all()
    actor = Actor(clerk, "cli")
    today = clock.now().date()
    for i, (ref, sender, subject, priority, secrecy) in enumerate(DEMO_LETTERS):
        reg = register_incoming(session, RegisterIncoming(
            unit_id=kk.id, ref_no=ref, letter_date=today - dt.timedelta(days=3 + i), sender=sender,
            addressee="ปลัดกระทรวงมหาดไทย", subject=subject, priority=priority, secrecy=secrecy), actor=actor, clock=clock)
        if i < 3 and owners:
            fwd = forward(session, Forward(reg.letter_id, (Recipient(person_id=owners[i % len(owners)]),), "act",
                                           "โปรดพิจารณาดำเนินการ"), actor=actor, clock=clock)
            if i == 0:
                acknowledge(session, fwd.assignment_ids[0], actor=Actor(owners[0], "cli"), clock=clock)
    return len(DEMO_LETTERS)
