"""Header phrasings beyond the dev set's letters: one case per rule the parser relies on.

Letters here are invented in the shapes of SARABAN.md (other agencies, numbers and subjects than
the dev set), so that a rule that only happens to fit the dev headers fails here.
"""

from __future__ import annotations

import datetime as dt

import pytest

from nlp.parse import parse_message
from tests.nlp.scoring import field_matches

TODAY = dt.date(2026, 3, 31)

CASES = [
    # glued date marker: ลว.29 / ลว5
    ("ลงรับ ที่ มท0816.2/ว1234 ลว5มี.ค.69 จากสถ. เรื่อง แนวทางการดำเนินงาน",
     {"ref_no": "มท 0816.2/ว 1234", "letter_date": "2026-03-05", "sender": "สถ.", "subject": "แนวทางการดำเนินงาน"}),
    ("ลงรับ\nลว.29 มค 2569\nจาก: เทศบาลเมืองบ้านฉาง\nที่ รย 52203/0111\nเรื่องขอเชิญประชุม",
     {"ref_no": "รย 52203/0111", "letter_date": "2026-01-29", "sender": "เทศบาลเมืองบ้านฉาง", "subject": "ขอเชิญประชุม"}),
    # chatter after the subject, on the same line or the next
    ("ลงรับ ลับ ที่ กห 0201/123 ลว. 4 เม.ย. 68 จาก กระทรวงกลาโหม เรื่อง ข้อมูลบุคลากร ครับ 🙏",
     {"subject": "ข้อมูลบุคลากร", "secrecy": "confidential", "letter_date": "2025-04-04"}),
    ("ที่ มท 0604/ว 5121 ลว. 17 มี.ค. 69 จาก กองคลัง เรื่อง โอนเงินจัดสรร\nช่วยลงรับให้ด้วยครับ",
     {"intent": "register_incoming", "subject": "โอนเงินจัดสรร", "sender": "กองคลัง"}),
    ("📌 รับหนังสือครับ\nจาก สำนักงานปลัดกระทรวงมหาดไทย\nเลขที่ มท 0211.3/ว 5566\nลงวันที่ 10 มิถุนายน 2568\n"
     "เรื่อง การจัดงานวันท้องถิ่นไทย\nด่วนที่สุดครับ",
     {"subject": "การจัดงานวันท้องถิ่นไทย", "priority": "most_urgent", "ref_no": "มท 0211.3/ว 5566"}),
    # flags after the subject in brackets; web-list link words
    ("ลงรับ ที่ ตร 0011.23/1234 ลว. 10 มี.ค. 69 จาก สำนักงานตำรวจแห่งชาติ เรื่อง ขอความร่วมมือ (ด่วนที่สุด)",
     {"subject": "ขอความร่วมมือ", "priority": "most_urgent"}),
    ("ด่วนที่สุด ที่ มท 0810.4/ว 1234 ลงวันที่ 12 มีนาคม 2569 เรื่อง การจัดสรรงบประมาณรายจ่ายประจำปี [ไฟล์แนบ]",
     {"subject": "การจัดสรรงบประมาณรายจ่ายประจำปี", "priority": "most_urgent", "intent": "register_incoming"}),
    # web list: sender after หนังสือ, flags before it, the subject right after the name
    ("ลับ หนังสือกรมการปกครอง การคัดเลือกกำนัน (ที่ มท 0309.3/ว 456 ลว. 1 ก.พ. 69)",
     {"sender": "กรมการปกครอง", "subject": "การคัดเลือกกำนัน", "secrecy": "confidential",
      "ref_no": "มท 0309.3/ว 456", "letter_date": "2026-02-01"}),
    ("ช่วยลงรับให้หน่อยค่ะ หนังสือ สพป.ระยอง เขต 1 ด่วนมาก ที่ ศธ 04143/ว 555 ลว. 2 มี.ค. 69 เรื่อง แจ้งกำหนดการสอบ",
     {"sender": "สพป.ระยอง เขต 1", "priority": "very_urgent", "subject": "แจ้งกำหนดการสอบ"}),
    ("รับหนังสือ หนังสือในระบบสารบรรณ (ที่ มท 0211.3/ว 77 ลว. 3 ม.ค. 69) จาก สป.มท.",
     {"sender": "สป.มท.", "subject": "หนังสือในระบบสารบรรณ"}),
    # unlabelled paste: เรื่อง inside the subject; an agency reference without a numeric code
    ("ลงรับ\nกรมทรัพยากรน้ำ\nทส 0404/ว 1234\n1 ต.ค. 68\nขอส่งประกาศคณะกรรมการลุ่มน้ำ เรื่อง การจัดสรรน้ำ",
     {"sender": "กรมทรัพยากรน้ำ", "ref_no": "ทส 0404/ว 1234", "letter_date": "2025-10-01",
      "subject": "ขอส่งประกาศคณะกรรมการลุ่มน้ำ เรื่อง การจัดสรรน้ำ"}),
    ("ลงรับ\nศูนย์ ศอ.ปส.อ.เมือง/ว 77\n3 มี.ค. 69\nขอข้อมูลผู้เข้ารับการบำบัด",
     {"ref_no": "ศูนย์ ศอ.ปส.อ.เมือง/ว 77", "letter_date": "2026-03-03", "subject": "ขอข้อมูลผู้เข้ารับการบำบัด"}),
    ("ลงรับ ว 10 ลว. 5 ต.ค. 67 จาก สถ. เรื่อง ประชาสัมพันธ์โครงการ",
     {"ref_no": "ว 10", "letter_date": "2024-10-05", "sender": "สถ."}),
    # a row copied from a register table: cells by tab or bar, an addressee cell
    ("ทส 0404/ว 1234\t1 ต.ค. 68\tกรมทรัพยากรน้ำ\tผู้ว่าราชการจังหวัดระยอง\tขอส่งแผนงาน",
     {"ref_no": "ทส 0404/ว 1234", "sender": "กรมทรัพยากรน้ำ", "subject": "ขอส่งแผนงาน"}),
    ("ลงรับ นร 0505/ว 123 | 14 ก.พ. 2568 | สำนักงานปลัดสำนักนายกรัฐมนตรี | มาตรการประหยัดพลังงาน (ครั้งที่ 2) | ด่วน",
     {"sender": "สำนักงานปลัดสำนักนายกรัฐมนตรี", "subject": "มาตรการประหยัดพลังงาน (ครั้งที่ 2)", "priority": "urgent"}),
    # the letter itself, copied: sender after the reference, address, date line, อ้างถึง with its own date
    ("ที่ มท 0808.2/ว 1095\t\tกรมส่งเสริมการปกครองท้องถิ่น\n          ถนนนครราชสีมา เขตดุสิต กทม. ๑๐๓๐๐\n"
     "                    25 ตุลาคม 2567\nเรื่อง  การเตรียมการเลือกตั้ง\nเรียน  ผู้ว่าราชการจังหวัด ทุกจังหวัด\n"
     "อ้างถึง หนังสือกรมส่งเสริมการปกครองท้องถิ่น ที่ มท 0808.2/ว 900 ลงวันที่ 1 กันยายน 2567\n"
     "สิ่งที่ส่งมาด้วย สำเนาประกาศ\n\t\tตามที่ กรมได้แจ้ง",
     {"ref_no": "มท 0808.2/ว 1095", "letter_date": "2024-10-25", "sender": "กรมส่งเสริมการปกครองท้องถิ่น",
      "subject": "การเตรียมการเลือกตั้ง"}),
    # label synonyms of web forms
    ("ลงรับ\nเลขหนังสือ: มท 0604/ว 5121\nวันที่หนังสือ: 17 มี.ค. 2569\nหน่วยงานที่ส่ง: กองคลัง\n"
     "ชื่อเรื่อง: โอนเงินจัดสรร\nระดับความเร่งด่วน: ด่วนมาก\nระดับชั้นความลับ: ลับ",
     {"sender": "กองคลัง", "subject": "โอนเงินจัดสรร", "priority": "very_urgent", "secrecy": "confidential",
      "letter_date": "2026-03-17"}),
    # a subject wrapped before its own date, or before a bracket
    ("ลงรับ\nที่ มท 0211.3/ว 5566\nลว. 10 มิ.ย. 68\nจาก สป.มท.\nเรื่อง ขอเชิญประชุม เมื่อวันที่\n15 มิถุนายน 2568",
     {"subject": "ขอเชิญประชุม เมื่อวันที่ 15 มิถุนายน 2568", "letter_date": "2025-06-10"}),
    ("ลงรับ\nที่ อด 0021/77\nลว. 30 ธ.ค. 68\nจาก สำนักงานจังหวัดอุดรธานี\nเรื่อง แก้ไขคำสั่ง ครั้งที่ 2/2568\n(1 ตุลาคม 2568)",
     {"subject": "แก้ไขคำสั่ง ครั้งที่ 2/2568 (1 ตุลาคม 2568)", "letter_date": "2025-12-30"}),
    # dates: a month written after เดือน, an impossible date reported and not guessed
    ("ลงรับ ที่ มท 0604/ว 5121 ลงวันที่ 5 เดือนตุลาคม 2567 จาก กองคลัง เรื่อง โอนเงิน", {"letter_date": "2024-10-05"}),
    ("ลงรับ ที่ มท 0808.2/ว 1095 ลว. 31 ก.พ. 2569 เรื่อง ทดสอบ", {"letter_date": None, "ref_no": "มท 0808.2/ว 1095"}),
    # unlabelled name lines that are not shaped like an organisation
    ("ลงรับ\nสมาคมกีฬาจังหวัดระยอง\nมท 0604/ว 5121\n17 มี.ค. 69\nขอเชิญร่วมการแข่งขัน",
     {"sender": "สมาคมกีฬาจังหวัดระยอง", "subject": "ขอเชิญร่วมการแข่งขัน"}),
    # the registry's own receipt fields copied along; a memo's ส่วนราชการ line; other documents cited
    ("ลงรับ\nเลขที่รับ: 1234\nวันที่รับ: 05/03/2569 เวลา 10.30 น.\nที่: มท 0604/ว 5121\nลงวันที่: 02/03/2569\n"
     "จาก: กองคลัง\nเรื่อง: โอนเงินจัดสรร",
     {"ref_no": "มท 0604/ว 5121", "letter_date": "2026-03-02", "sender": "กองคลัง", "subject": "โอนเงินจัดสรร"}),
    ("ลงรับหนังสือราชการ\nส่วนราชการ สำนักงานจังหวัดระยอง กลุ่มงานอำนวยการ โทร 0 3869 4000\n"
     "ที่ รย 0017.1/1234 วันที่ 9 มีนาคม 2569\nเรื่อง ขออนุมัติเดินทางไปราชการ",
     {"ref_no": "รย 0017.1/1234", "letter_date": "2026-03-09", "sender": "สำนักงานจังหวัดระยอง กลุ่มงานอำนวยการ",
      "subject": "ขออนุมัติเดินทางไปราชการ"}),
    ("รับหนังสือ เรื่อง ขอส่งสำเนาคำสั่ง ที่ 12/2569 ลงวันที่ 1 มีนาคม 2569 ที่ มท 0604/ว 5121 ลงวันที่ 2 มีนาคม 2569 "
     "จาก กองคลัง",
     {"ref_no": "มท 0604/ว 5121", "letter_date": "2026-03-02", "sender": "กองคลัง",
      "subject": "ขอส่งสำเนาคำสั่ง ที่ 12/2569 ลงวันที่ 1 มีนาคม 2569"}),
    ("ลงรับ อ้างถึง หนังสือ มท 0604/ว 4000 ลว. 1 ก.พ. 69 ที่ มท 0604/ว 5121 ลว. 2 มี.ค. 69 จาก กองคลัง เรื่อง โอนเงิน",
     {"ref_no": "มท 0604/ว 5121", "letter_date": "2026-03-02", "subject": "โอนเงิน"}),
    ("ลงรับ ด่วนที่สุด ภายใน 10 มี.ค. 69 ที่ มท 0604/ว 5121 ลว. 2 มี.ค. 69 จาก กองคลัง เรื่อง โอนเงินจัดสรร",
     {"letter_date": "2026-03-02", "priority": "most_urgent", "subject": "โอนเงินจัดสรร"}),
    # told rather than labelled; cells split by " / "; a name ending in a colon
    ("ได้รับหนังสือจาก กองคลัง ที่ มท 0604/ว 5121 ลว. 17 มี.ค. 69 เรื่อง โอนเงินจัดสรร",
     {"sender": "กองคลัง", "ref_no": "มท 0604/ว 5121", "subject": "โอนเงินจัดสรร"}),
    ("รับหนังสือ: โอนเงินจัดสรร / กองคลัง / มท 0604/ว 5121 / 17 มี.ค. 69",
     {"sender": "กองคลัง", "ref_no": "มท 0604/ว 5121", "letter_date": "2026-03-17", "subject": "โอนเงินจัดสรร"}),
    ("ลงรับ กองคลัง: โอนเงินจัดสรร (มท 0604/ว 5121, 17 มี.ค. 69)",
     {"sender": "กองคลัง", "ref_no": "มท 0604/ว 5121", "letter_date": "2026-03-17", "subject": "โอนเงินจัดสรร"}),
    # one typed sentence: flags and จาก/ของ glued to the command, a polite ending glued to the name
    ("รบกวนลงรับหนังสือด่วนที่สุดจากสำนักงานจังหวัดชลบุรี เลขที่ ชบ 0017.3/ว 8812 ลงวันที่ 14 พ.ค. 2569 เรื่อง การเตรียมความพร้อม",
     {"sender": "สำนักงานจังหวัดชลบุรี", "priority": "most_urgent", "ref_no": "ชบ 0017.3/ว 8812", "subject": "การเตรียมความพร้อม"}),
    ("ช่วยลงรับหนังสือลับมากของเทศบาลเมืองมาบตาพุดให้หน่อยครับ ที่ รย 52210/17 ลว 19 ธ.ค. 68 เรื่อง ขอความอนุเคราะห์",
     {"sender": "เทศบาลเมืองมาบตาพุด", "secrecy": "secret", "ref_no": "รย 52210/17", "letter_date": "2025-12-19"}),
    ("ลงรับหนังสือจากกรมควบคุมโรค (สธ 0211.04/ว 3344 ลว. 30 ก.ย. 68) เรื่อง มาตรการเฝ้าระวังโรค",
     {"sender": "กรมควบคุมโรค", "ref_no": "สธ 0211.04/ว 3344", "letter_date": "2025-09-30", "subject": "มาตรการเฝ้าระวังโรค"}),
    # a web list's name that does not read as an organisation, followed by ที่ or ด่วน…
    ("หนังสือการท่องเที่ยวแห่งประเทศไทย ที่ ททท 1203/ว 45 ลงวันที่ 1 มี.ค. 69 เรื่อง ส่งเสริมการท่องเที่ยว",
     {"sender": "การท่องเที่ยวแห่งประเทศไทย", "ref_no": "ททท 1203/ว 45", "subject": "ส่งเสริมการท่องเที่ยว"}),
    ("หนังสือราชบัณฑิตยสภา ด่วนที่สุด ที่ ศธ 1234/ว 5 ลว. 2 มี.ค. 69 เรื่อง ศัพท์บัญญัติ",
     {"sender": "ราชบัณฑิตยสภา", "priority": "most_urgent", "subject": "ศัพท์บัญญัติ"}),
    # a labelled name and an unlabelled subject on one line
    ("ลงรับ ที่ รย 0019/ว 5771 ลว. 17 มี.ค. 69 จาก สำนักงานพัฒนาชุมชนจังหวัดระยอง โครงการนำเสนอผลการจัดเก็บข้อมูล จปฐ",
     {"sender": "สำนักงานพัฒนาชุมชนจังหวัดระยอง", "subject": "โครงการนำเสนอผลการจัดเก็บข้อมูล จปฐ"}),
    ("บันทึกรับ ที่ อว 0224.3/ว 456 ลว 3/7/2568 จาก สำนักงานปลัดกระทรวงการอุดมศึกษา วิทยาศาสตร์ วิจัยและนวัตกรรม "
     "เรื่อง ทุนการศึกษา ประจำปี 2568",
     {"sender": "สำนักงานปลัดกระทรวงการอุดมศึกษา วิทยาศาสตร์ วิจัยและนวัตกรรม", "subject": "ทุนการศึกษา ประจำปี 2568",
      "letter_date": "2025-07-03"}),
    ("รับหนังสือลับมาก มท 0604/ว 1804 ลงวันที่ 30 ม.ค. 69 จาก กองคลัง กรมป้องกันและบรรเทาสาธารณภัย "
     "ขอส่งสำเนาหนังสือกรมบัญชีกลาง เรื่องแนวทางปฏิบัติ",
     {"sender": "กองคลัง กรมป้องกันและบรรเทาสาธารณภัย", "subject": "ขอส่งสำเนาหนังสือกรมบัญชีกลาง เรื่องแนวทางปฏิบัติ",
      "secrecy": "secret"}),
    # chat that mentions a date is not a header
    ("ประชุมที่ห้อง 301 วันที่ 5 มี.ค. 69 นะครับ", {"intent": "unknown"}),
]  # fmt: skip


@pytest.mark.parametrize("text, expect", CASES, ids=[str(i) for i in range(len(CASES))])
def test_header_phrasing(text, expect):
    got = parse_message(text, today=TODAY).to_json()
    misses = {k: (v, got.get(k)) for k, v in expect.items() if not field_matches(k, v, got.get(k))}
    assert not misses, misses


def test_impossible_date_is_an_error():
    got = parse_message("ลงรับ ที่ มท 0808.2/ว 1095 ลว. 31 ก.พ. 2569 เรื่อง ทดสอบ", today=TODAY)
    assert got.value("letter_date") is None
    assert [e.field for e in got.errors] == ["letter_date"]


def test_a_bracketed_reference_to_another_letter_stays_in_the_subject():
    got = parse_message(
        "ลงรับ ที่ มท 0604/ว 5121 ลว. 17 มี.ค. 69 เรื่อง โอนเงิน (ตามหนังสือ กค 0402.2/ว 195 ลว. 5 ต.ค. 67)", today=TODAY
    )
    assert got.value("ref_no") == "มท 0604/ว 5121" and got.value("letter_date") == "2026-03-17"
    assert got.value("subject") == "โอนเงิน (ตามหนังสือ กค 0402.2/ว 195 ลว. 5 ต.ค. 67)"


@pytest.mark.parametrize(
    "unit",
    ["มท 0604/ว 1\t1 มี.ค. 69\tกรม\t", "ก | ", "ขอ     ", "กรม / ", "- ที่ มท 1/1\n• เรื่อง ก\n", "ที่ เรื่อง จาก ลว. อ้างถึง "],
)
def test_long_repetitive_pastes_parse(unit):
    # thousands of cells, bullets or labels: no recursion limit; their speed is in `saraban bench parse`
    text = (unit * 5000)[:10_000]
    assert isinstance(parse_message(text, today=TODAY).to_json(), dict)
