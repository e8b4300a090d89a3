"""parse_message: intents with their arguments, letter fields in other phrasings, spans, JSON."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from nlp.parse import parse_message
from nlp.result import FIELD_NAMES

TODAY = dt.date(2026, 3, 20)


def fields(text: str) -> dict:
    out = parse_message(text, today=TODAY).to_json()
    return {k: v for k, v in out.items() if k in FIELD_NAMES + ("intent",) and v is not None}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ส่งต่อ 12 ให้ กองคลัง", {"intent": "forward", "number": "12", "recipient": "กองคลัง"}),
        ("ส่งต่อ 12/69 ถึง นายสมชาย ใจดี เพื่อดำเนินการ ครับ",
         {"intent": "forward", "number": "12/2569", "recipient": "สมชาย ใจดี"}),  # titles kept out of recipient
        ("ส่งต่อ ให้ กองคลัง เลขรับ 15", {"intent": "forward", "number": "15", "recipient": "กองคลัง"}),
        ("ส่ง 8 ให้ ฝ่ายบริหารทั่วไป", {"intent": "forward", "number": "8", "recipient": "ฝ่ายบริหารทั่วไป"}),
        ("รับทราบ ๑๒", {"intent": "acknowledge", "number": "12"}),
        ("12 รับทราบครับ", {"intent": "acknowledge", "number": "12"}),
        ("ไม่ใช่งานของผม 7/2569", {"intent": "reject", "number": "7/2569"}),
        ("ส่งคืน 7", {"intent": "reject", "number": "7"}),
        ("ปิดเรื่อง 12", {"intent": "close", "number": "12"}),
        ("ค้นหา น้ำท่วม ครับ", {"intent": "search", "query": "น้ำท่วม"}),
        ("ค้นหาเรื่องน้ำท่วม", {"intent": "search", "query": "น้ำท่วม"}),
        ("สถานะ 12", {"intent": "status", "number": "12"}),
        ("12 ถึงไหนแล้ว", {"intent": "status", "number": "12"}),
        ("งานของฉัน", {"intent": "my_tasks"}),
        ("งานค้าง", {"intent": "my_tasks"}),
        ("ช่วยเหลือ", {"intent": "help"}),
        ("/help", {"intent": "help"}),
        ("ผูกบัญชี 123456", {"intent": "link_account", "code": "123456"}),
        ("ผูกบัญชี ๑๒๓๔๕๖", {"intent": "link_account", "code": "123456"}),
        ("สุ่มตรวจ กองกลาง 10", {"intent": "audit_sample", "unit": "กองกลาง", "sample_size": 10}),
        ("สุ่มตรวจ 20 เรื่อง กองคลัง ปี 2569", {"intent": "audit_sample", "unit": "กองคลัง", "sample_size": 20}),
        ("ฝึกใช้งาน", {"intent": "training"}),
        ("ยกเลิก", {"intent": "cancel"}),
        ("ยกเลิก 15 เพราะลงซ้ำ", {"intent": "cancel", "number": "15"}),
        ("สวัสดีครับ", {"intent": "unknown"}),
        ("หากมีข้อสงสัยโปรดติดต่อ", {"intent": "unknown"}),  # "หา" is not a search here
        ("ออกเลขส่ง ถึง ปลัดกระทรวงมหาดไทย เรื่อง รายงานผลการดำเนินงาน",
         {"intent": "register_outgoing", "addressee": "ปลัดกระทรวงมหาดไทย", "recipient": "ปลัดกระทรวงมหาดไทย",
          "subject": "รายงานผลการดำเนินงาน"}),
        ("ขอเลขส่ง ให้ กองคลัง เรื่อง ขอส่งรายงาน",
         {"intent": "register_outgoing", "recipient": "กองคลัง", "subject": "ขอส่งรายงาน"}),
    ],
)  # fmt: skip
def test_commands(text, expected):
    got = fields(text)
    got.pop("priority")
    assert got == expected


def test_every_intent_of_the_spec_is_reachable():
    from nlp.intents import INTENTS

    texts = [
        "รับหนังสือ", "ออกเลขส่ง", "ส่งต่อ 1 ให้ ก", "รับทราบ 1", "ไม่ใช่งานของฉัน 1", "ปิดเรื่อง 1", "ค้นหา ก",
        "สถานะ 1", "งานของฉัน", "ช่วยเหลือ", "ผูกบัญชี 1234", "เข้าเว็บ", "สุ่มตรวจ ก 5", "ฝึกใช้งาน", "ยกเลิก", "ฮัลโหล",
    ]  # fmt: skip
    assert sorted(parse_message(t).intent for t in texts) == sorted(INTENTS)


LETTER = {
    "ref_no": "กค 0402.2/ว 195",
    "letter_date": "2024-10-25",
    "sender": "กรมบัญชีกลาง",
    "subject": "แนวทางการเบิกจ่ายเงินงบประมาณ",
}


@pytest.mark.parametrize(
    "text, extra",
    [
        # a web list paste: the sender after หนังสือ, no command
        ("หนังสือกรมบัญชีกลาง ด่วนที่สุด ที่ กค 0402.2/ว 195 ลงวันที่ 25 ต.ค. 67 เรื่อง แนวทางการเบิกจ่ายเงินงบประมาณ",
         {"priority": "most_urgent"}),
        # labels with colons, another order
        ("ลงรับ เรื่อง: แนวทางการเบิกจ่ายเงินงบประมาณ ที่: กค 0402.2/ว 195 ลว.: 25ตค.67 จาก: กรมบัญชีกลาง",
         {"priority": "normal"}),
        # the sender first, unlabelled
        ("รับหนังสือ กรมบัญชีกลาง ลับ ที่ กค 0402.2/ว 195 ลว 25/10/2567 เรื่อง แนวทางการเบิกจ่ายเงินงบประมาณ",
         {"priority": "normal", "secrecy": "confidential"}),
        # nothing labelled at all, one item a line
        ("กรมบัญชีกลาง\nกค 0402.2/ว 195\n25 ต.ค. 2567\nแนวทางการเบิกจ่ายเงินงบประมาณ", {"priority": "normal"}),
        # the reference and date in brackets after the subject
        ("รับหนังสือจากกรมบัญชีกลาง เรื่อง แนวทางการเบิกจ่ายเงินงบประมาณ (กค 0402.2/ว 195 ลว. 25 ต.ค. 67)",
         {"priority": "normal"}),
        # glued priority, Thai digits, ISO date
        ("รับหนังสือด่วนมาก ที่ กค ๐๔๐๒.๒/ว ๑๙๕ ลงวันที่ 2024-10-25 จาก กรมบัญชีกลาง "
         "เรื่อง แนวทางการเบิกจ่ายเงินงบประมาณ",
         {"priority": "very_urgent", "ref_no": "กค ๐๔๐๒.๒/ว ๑๙๕"}),
    ],
)  # fmt: skip
def test_letter_phrasings(text, extra):
    got = fields(text)
    assert got.pop("intent") == "register_incoming"
    assert got == LETTER | extra


def test_multi_line_letter_with_every_label():
    text = (
        "ลงรับ\n"
        "ที่ มท 0808.2/ว 1095\n"
        "ลงวันที่ ๕ ตุลาคม ๒๕๖๗\n"
        "จาก กรมส่งเสริมการปกครองท้องถิ่น\n"
        "ถึง ผู้ว่าราชการจังหวัดทุกจังหวัด\n"
        "เรื่อง การเตรียมความพร้อมรับมือสาธารณภัย\n"
        "   ในช่วงฤดูฝน ประจำปี 2567\n"
        "สิ่งที่ส่งมาด้วย แบบรายงาน จำนวน 1 ชุด\n"
        "ชั้นความเร็ว ด่วนที่สุด\n"
        "ชั้นความลับ ลับที่สุด"
    )
    assert fields(text) == {
        "intent": "register_incoming",
        "ref_no": "มท 0808.2/ว 1095",
        "letter_date": "2024-10-05",
        "sender": "กรมส่งเสริมการปกครองท้องถิ่น",
        "addressee": "ผู้ว่าราชการจังหวัดทุกจังหวัด",
        "subject": "การเตรียมความพร้อมรับมือสาธารณภัย ในช่วงฤดูฝน ประจำปี 2567",
        "enclosures": "แบบรายงาน จำนวน 1 ชุด",
        "priority": "most_urgent",
        "secrecy": "top_secret",
    }


def test_words_inside_the_subject_are_not_labels():
    text = ("ลงรับ ที่ มท 0201/ว 5 ลว. 1 ม.ค. 69 จาก กองกลาง เรื่อง การประชุมครั้งที่ 1/2569 "
            "เมื่อวันที่ 16 กุมภาพันธ์ 2569 ระหว่างวันที่ 1 ถึง 5 มีนาคม เรื่อง งบประมาณเร่งด่วน ลับเฉพาะ")  # fmt: skip
    got = fields(text)
    assert got["subject"] == text.split("เรื่อง ", 1)[1]
    assert got["letter_date"] == "2026-01-01" and got["priority"] == "normal" and "secrecy" not in got


def test_deadline_is_not_the_letter_date():
    got = fields("ด่วนภายใน 10 เม.ย. 69 ที่ มท 0201/ว 5 เรื่อง ขอข้อมูล")
    assert got["priority"] == "urgent" and "letter_date" not in got and "sender" not in got


def test_spans_point_into_the_original_text():
    text = "รับหนังสือ\u200b ด่วน ที่ มท\u200b ๐๘๐๙.๔/ว ๒๙๐๘ ลว. ๕ ต.ค. ๖๗ จาก สป.มท. เรื่อง ทดสอบ  ระบบ"
    result = parse_message(text, today=TODAY)
    for name in ("ref_no", "sender", "subject", "letter_date", "priority"):
        f = getattr(result, name)
        assert f is not None and f.span is not None, name
    assert text[slice(*result.ref_no.span)] == "มท\u200b ๐๘๐๙.๔/ว ๒๙๐๘"
    assert result.ref_no.value == "มท ๐๘๐๙.๔/ว ๒๙๐๘"  # as written, without the invisible character
    assert text[slice(*result.letter_date.span)] == "๕ ต.ค. ๖๗"
    assert text[slice(*result.priority.span)] == "ด่วน"
    assert result.subject.value == "ทดสอบ ระบบ"


def test_json_has_every_key():
    out = parse_message("รับทราบ 12").to_json()
    json.dumps(out, ensure_ascii=False)
    for name in ("intent", *FIELD_NAMES, "confidence", "spans", "errors"):
        assert name in out
    assert out["priority"] == "normal" and out["secrecy"] is None and out["ref_no"] is None
    assert out["number"] == "12" and out["spans"]["number"] == [8, 10]
    assert 0 < out["confidence"]["number"] <= 1 and out["confidence"]["ref_no"] is None
    assert out["errors"] == []


def test_no_fields_are_invented_for_chit_chat():
    out = parse_message("สวัสดีครับ วันนี้ฝนตกหนักมาก ด่วนๆ เลย").to_json()
    assert out["intent"] == "unknown"
    assert all(out[name] is None for name in FIELD_NAMES if name != "priority")


@pytest.mark.parametrize(
    "text",
    [
        # Windows line endings and doubled spaces, as pasted from a document
        "ลงรับ\r\nที่  มท  0808.2/ว  1095\r\nลงวันที่  5  ต.ค.  67\r\nจาก  สถ.\r\nเรื่อง  ทดสอบระบบ",
        # labels with colons, the date after the subject
        "📩 รับหนังสือใหม่ ชื่อเรื่อง: ทดสอบระบบ หน่วยงาน: สถ. วันที่ 5/10/2567 เลขที่หนังสือ: มท 0808.2/ว 1095",
        # flags typed after the subject, the reference and date in square brackets
        "รับหนังสือ จาก สถ. เรื่อง ทดสอบระบบ [มท 0808.2/ว 1095 ลงวันที่ 5 ต.ค. 67] ด่วนที่สุด ลับ",
        # a whole letter pasted: the body is not read
        "ลงรับ ที่ มท 0808.2/ว 1095 ลว. 5 ต.ค. 67\nจาก สถ.\nเรื่อง ทดสอบระบบ\n\n"
        "ตามที่ได้มีหนังสือ ด่วนที่สุด ที่ มท 0808.2/ว 999 ลงวันที่ 1 ม.ค. 67 นั้น",
    ],
)
def test_more_phrasings(text):
    got = fields(text)
    assert got["intent"] == "register_incoming"
    assert got["ref_no"].replace("  ", " ") == "มท 0808.2/ว 1095"
    assert got["letter_date"] == "2024-10-05"
    assert got["sender"] == "สถ."
    assert got["subject"] == "ทดสอบระบบ"


def test_trailing_flags_and_square_brackets():
    got = fields("รับหนังสือ จาก สถ. เรื่อง ทดสอบระบบ [มท 0808.2/ว 1095 ลงวันที่ 5 ต.ค. 67] ด่วนที่สุด ลับ")
    assert got["priority"] == "most_urgent" and got["secrecy"] == "confidential"


def test_secret_circular_reference():
    assert fields("ลงรับ ที่ นร 0505/ว(ล) 12345 ลว. 1 พ.ย. 67 เรื่อง ทดสอบ")["ref_no"] == "นร 0505/ว(ล) 12345"


def test_bracket_citing_another_letter_stays_in_the_subject():
    text = "ลงรับ ที่ มท 0201/ว 5 ลว. 1 ม.ค. 69 เรื่อง ขอส่งสำเนาหนังสือ (ตามหนังสือ กค 0402.2/ว 195 ลว. 5 ต.ค. 67)"
    got = fields(text)
    assert got["ref_no"] == "มท 0201/ว 5" and got["letter_date"] == "2026-01-01"
    assert got["subject"] == "ขอส่งสำเนาหนังสือ (ตามหนังสือ กค 0402.2/ว 195 ลว. 5 ต.ค. 67)"


def test_relative_date_needs_a_marker():
    assert fields("ลงรับ ที่ มท 0201/ว 5 ลว. เมื่อวาน เรื่อง ทดสอบ")["letter_date"] == "2026-03-19"
    assert "letter_date" not in fields("ลงรับ วันนี้ ที่ มท 0201/ว 5 เรื่อง ทดสอบ")  # the day it came in
