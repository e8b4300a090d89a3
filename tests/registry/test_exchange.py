"""The exchange document (registry/exchange): export → import into an empty register → export is
lossless for 1,000 letters, every document validates against letter-v1.schema.json, the codes map
both ways, bad documents are refused in Thai with nothing written, and a second import is refused."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import random

import pytest
from sqlalchemy import func, select

from registry import exchange
from registry.commands import PRIORITIES, SECRECY, RegisterIncoming
from registry.errors import Conflict, InvalidInput, PermissionDenied
from registry.events import Actor, verify_chain
from registry.intake import register_incoming
from registry.models import Attachment, Event, Letter
from tests.db import wipe
from tests.fixtures import load_demo_org

SYSTEM = Actor(None, "test")
START = dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)  # book year 2569; the fake clock stands at 2 March
WORDS = ["ขอเชิญประชุม", "รายงานผลการเบิกจ่าย", "การจัดซื้อจัดจ้าง", "โครงการพัฒนาแหล่งน้ำ", "แผนปฏิบัติราชการ",
         "ขอความร่วมมือ", "การป้องกันอุทกภัย", "ประจำปีงบประมาณ พ.ศ. 2569"]
SENDERS = [("กรมส่งเสริมการปกครองท้องถิ่น", "0808"), ("สำนักงานจังหวัดเชียงใหม่", "5001"), ("กรมบัญชีกลาง", "0402"),
           ("สถ.", None), (None, None)]


def _letters(rng: random.Random, n: int):
    """n varied incoming letters: every speed and secrecy class, with and without references,
    enclosure lists, deadlines, organisation ids and notify-back addresses."""
    for i in range(n):
        name, org = rng.choice(SENDERS)
        secrecy = rng.choice((None, None, None, *SECRECY))
        refs = tuple({"ref_no": f"มท 0808.{rng.randint(1, 9)}/ว {rng.randint(1, 9999)}",
                      "date": (dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 360))).isoformat()
                      if rng.random() < 0.8 else None,
                      "subject": rng.choice(WORDS) if rng.random() < 0.7 else None}
                     for _ in range(rng.choice((0, 0, 1, 2))))
        items = tuple({"title": f"สำเนา{rng.choice(WORDS)}", "count": rng.choice((None, 1, 3))}
                      for _ in range(rng.choice((0, 1, 3))))
        yield RegisterIncoming(
            unit_id=0, subject=f"{rng.choice(WORDS)} {rng.choice(WORDS)} ฉบับที่ {i}",
            ref_no=f"มท {org or '0201'}.{rng.randint(1, 5)}/{rng.randint(1, 20000)}" if rng.random() < 0.95 else None,
            letter_date=dt.date(2025, 12, 1) + dt.timedelta(days=rng.randint(0, 60)) if rng.random() < 0.9 else None,
            sender=name, addressee=rng.choice(("ปลัดกระทรวงมหาดไทย", "ผู้อำนวยการกองกลาง", None)),
            priority=rng.choice(PRIORITIES), secrecy=secrecy,
            enclosures="ตามที่ระบุ" if items and rng.random() < 0.5 else None,
            remarks=rng.choice((None, "รับทางไปรษณีย์", "ส่งด้วยตนเอง\nบรรทัดที่สอง")),
            kind=rng.choice(("external", "internal", "directive")), retention=rng.choice(("10y", "5y", "1y")),
            received_at=START + dt.timedelta(minutes=77 * i),
            deadline_at=START + dt.timedelta(days=3, minutes=77 * i, microseconds=rng.randint(0, 999) * 1000)
            if rng.random() < 0.2 else None,
            sender_org_code=org, sender_letter_id=f"ECMS-{org}-{i:06d}" if org else None,
            references=refs, enclosure_list=items,
            notify_to=f"saraban@{org}.go.th" if org and rng.random() < 0.5 else None)


def _export(runtime, **kw) -> list[dict]:
    with runtime.read() as s:
        return list(exchange.export_documents(s, year=2569, **kw))


def test_a_thousand_letters_round_trip_losslessly_and_validate(runtime, demo):
    rng = random.Random(17)
    units = [demo.unit("มท 0201"), demo.unit("มท 0202")]
    with runtime.transaction() as s:
        for cmd in _letters(rng, 1000):
            register_incoming(s, RegisterIncoming(**{**cmd.__dict__, "unit_id": rng.choice(units)}),
                              actor=SYSTEM, clock=runtime.clock)
    first = _export(runtime)
    assert len(first) == 1000
    for document in first:
        assert exchange.schema_errors(document) == []
    codes = {(d["letter"]["speed_code"], d["letter"]["secret_code"]) for d in first}
    assert {s for s, _ in codes} == {"001", "002", "003", "004"} and {c for _, c in codes} == {"001", "002", "003", "004"}
    assert any(d["letter"]["references"] for d in first) and any(d["letter"]["enclosures"]["items"] for d in first)
    lines = [exchange.dump(d) for d in first]

    # into an empty register: the same organisation, no letters, no events
    wipe(runtime.engine)
    load_demo_org(runtime)
    with runtime.read() as s:
        assert s.scalar(select(func.count()).select_from(Letter)) == 0
    with runtime.transaction() as s:
        for _, document in exchange.read_jsonl(lines):
            exchange.import_letter(s, document, actor=SYSTEM, clock=runtime.clock)
    second = _export(runtime)
    assert [exchange.dump(d) for d in second] == lines
    with runtime.read() as s:
        assert s.scalar(select(func.count()).where(Event.kind == "letter.imported")) == 1000
        assert verify_chain(s).ok


def test_codes_map_one_to_one_and_top_secret_carries_no_content(runtime, demo):
    assert sorted(exchange.SPEED_CODES.values()) == ["001", "002", "003", "004"]
    assert exchange.SPEED_CODES["most_urgent"] == "004" and exchange.SPEED_CODES["normal"] == "001"
    assert exchange.SECRET_CODES[None] == "001" and exchange.SECRET_CODES["top_secret"] == "004"
    assert all(exchange.PRIORITY_OF[code] == value for value, code in exchange.SPEED_CODES.items())
    with runtime.transaction() as s:
        done = register_incoming(s, RegisterIncoming(
            unit_id=demo.unit("มท 0201"), subject="แผนลับ", ref_no="กห 0201/1", sender="กระทรวงกลาโหม",
            secrecy="top_secret", priority="most_urgent", sender_org_code="กห", sender_letter_id="X-1",
            references=({"ref_no": "กห 0201/0", "date": None, "subject": "ลับ"},)), actor=SYSTEM, clock=runtime.clock)
        document = exchange.letter_document(s.get(Letter, done.letter_id))
    assert document["letter"]["secret_code"] == "004" and document["letter"]["speed_code"] == "004"
    assert document["letter"]["subject"] is None and document["letter"]["references"] == []
    assert document["letter"]["sender"] == {"name": None, "org_code": None, "letter_id": None}
    assert "แผนลับ" not in exchange.dump(document)


def _document(runtime, demo, **letter) -> dict:
    with runtime.transaction() as s:
        done = register_incoming(s, RegisterIncoming(
            unit_id=demo.unit("มท 0201"), subject="ขอเชิญประชุมคณะกรรมการ", ref_no="มท 0808.2/ว 1095",
            letter_date=dt.date(2026, 2, 20), sender="กรมส่งเสริมการปกครองท้องถิ่น", sender_org_code="0808",
            sender_letter_id="ECMS-42", references=({"ref_no": "มท 0808.2/ว 1000", "date": "2026-01-05",
                                                     "subject": None},),
            enclosure_list=({"title": "กำหนดการ", "count": 1},), notify_to="saraban@dla.go.th", **letter),
            actor=SYSTEM, clock=runtime.clock)
        return exchange.letter_document(s.get(Letter, done.letter_id))


def test_a_second_import_is_refused_naming_the_letter(runtime, demo):
    document = _document(runtime, demo)
    other_unit = demo.unit("มท 0202")
    with runtime.transaction() as s:
        first = exchange.import_letter(s, document, actor=SYSTEM, unit=other_unit, clock=runtime.clock)
    with runtime.read() as s:
        letter = s.get(Letter, first.letter_id)
        assert (letter.unit_id, letter.sender_letter_id, letter.reference_list) == (
            other_unit, "ECMS-42", [{"ref_no": "มท 0808.2/ว 1000", "date": "2026-01-05", "subject": None}])
        assert letter.registration.received_at == runtime.clock.now()  # another unit's receipt: received now
    again = copy.deepcopy(document)
    again["letter"]["id"] = "มท 0808.2/ว 9999"  # same exchange id, other ที่: still the same letter
    with pytest.raises(Conflict) as caught, runtime.transaction() as s:
        exchange.import_letter(s, again, actor=SYSTEM, unit=other_unit, clock=runtime.clock)
    assert caught.value.detail["letter_id"] == first.letter_id
    paper = copy.deepcopy(document)
    paper["letter"]["sender"].update(org_code=None, letter_id=None)  # came on paper: same ที่, date, sender
    with pytest.raises(Conflict), runtime.transaction() as s:
        exchange.import_letter(s, paper, actor=SYSTEM, unit=other_unit, clock=runtime.clock)


@pytest.mark.parametrize("break_it, says", [
    (lambda d: d["letter"].update(speed_code="007"), "letter/speed_code"),
    (lambda d: d.update(version=2), "version"),
    (lambda d: d["letter"]["references"].append({"ref_no": "x"}), "letter/references/1"),
    (lambda d: d["registration"].update(registered_at="2026-02-01 10:00"), "registration/registered_at"),
    (lambda d: d["letter"].update(colour="แดง"), "letter"),
])
def test_a_bad_document_is_refused_in_thai_and_nothing_is_written(runtime, demo, break_it, says):
    document = _document(runtime, demo)
    break_it(document)
    with runtime.read() as s:
        before = s.scalar(select(func.count()).select_from(Letter))
    with pytest.raises(InvalidInput) as caught, runtime.transaction() as s:
        exchange.import_letter(s, document, actor=SYSTEM, unit=demo.unit("มท 0202"), clock=runtime.clock)
    assert "เอกสารแลกเปลี่ยนไม่ตรงตามแบบ" in caught.value.message_th and says in caught.value.message_th
    with runtime.read() as s:
        assert s.scalar(select(func.count()).select_from(Letter)) == before


def test_files_travel_inside_the_document_and_are_checked(runtime, demo, tmp_path):
    from registry.attachments import attach_file

    pdf = b"%PDF-1.4\n% a letter\n%%EOF\n"
    document = _document(runtime, demo)
    with runtime.transaction() as s:
        letter_id = s.scalar(select(Letter.id).order_by(Letter.id.desc()).limit(1))
        attach_file(s, letter_id, pdf, directory=runtime.attachments_dir, actor=SYSTEM, filename="หนังสือ.pdf",
                    content_type="application/pdf", clock=runtime.clock)
        document = exchange.letter_document(s.get(Letter, letter_id), files_dir=runtime.attachments_dir)
    assert exchange.schema_errors(document) == []
    assert base64.b64decode(document["files"][0]["content_base64"]) == pdf
    elsewhere = tmp_path / "other-files"
    tampered = copy.deepcopy(document)
    tampered["files"][0]["content_base64"] = base64.b64encode(pdf + b"x").decode()
    with pytest.raises(InvalidInput, match="sha256"), runtime.transaction() as s:
        exchange.import_letter(s, tampered, actor=SYSTEM, unit=demo.unit("มท 0202"), files_dir=elsewhere,
                               clock=runtime.clock)
    with runtime.transaction() as s:
        done = exchange.import_letter(s, document, actor=SYSTEM, unit=demo.unit("มท 0202"), files_dir=elsewhere,
                                      clock=runtime.clock)
    with runtime.read() as s:
        row = s.execute(select(Attachment).where(Attachment.letter_id == done.letter_id)).scalar_one()
        assert (row.filename, row.sha256) == ("หนังสือ.pdf", hashlib.sha256(pdf).hexdigest())


def test_import_needs_a_clerk_of_the_receiving_unit(runtime, demo):
    document = _document(runtime, demo)
    owner = Actor(demo.person("owner"), "api")
    with pytest.raises(PermissionDenied), runtime.transaction() as s:
        exchange.import_letter(s, document, actor=owner, unit=demo.unit("มท 0202"), clock=runtime.clock)


def test_bad_list_fields_are_refused_in_thai(runtime, demo):
    with pytest.raises(InvalidInput, match="อ้างถึง"), runtime.transaction() as s:
        register_incoming(s, RegisterIncoming(unit_id=demo.unit("มท 0201"), subject="x",
                                              references=({"ref_no": "ก", "date": "5 ม.ค. 69"},)),
                          actor=SYSTEM, clock=runtime.clock)
    with pytest.raises(InvalidInput, match="สิ่งที่ส่งมาด้วย"), runtime.transaction() as s:
        register_incoming(s, RegisterIncoming(unit_id=demo.unit("มท 0201"), subject="x",
                                              enclosure_list=({"title": "แผนที่", "count": 0},)),
                          actor=SYSTEM, clock=runtime.clock)
