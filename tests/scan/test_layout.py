"""The layout reader on line segments as a reader would give them (no rendering, no OCR)."""

from __future__ import annotations

from scan import layout
from scan.boxes import Word, segments

W = 1654


def _page(rows):
    """rows: (x, y, text, conf) → words, one line key per row and column."""
    words = []
    for i, (x, y, text, conf) in enumerate(rows):
        for j, part in enumerate(text.split(" ")):
            words.append(Word(part, x + 60 * j, y, x + 60 * j + 55, y + 40, conf, (i,)))
    return segments(words, W)


ROWS = [
    (240, 150, "ดวนทสด", 80),  # the speed stamp, marks lost
    (1140, 100, "โรงเรียนระยองวิทยาคม", 90),  # the receiving unit's stamp
    (1140, 150, "เลขรับ 825", 90),
    (1140, 200, "วันที่ 10 ก.ย. 2566", 90),
    (240, 350, "ที มท 0201.2/4470", 90),  # ที่ read without its mark
    (990, 350, "สํานักงานปลัดกระทรวงมหาดไทย", 90),
    (990, 400, "ถนนอัษฎางค์ แขวงวังบูรพาภิรมย์", 90),
    (990, 450, "เขตพระนคร กรุงเทพฯ 10200", 90),
    (830, 510, "2 กันยายน 2566", 90),
    (240, 580, "เรื่อง ขอเชิญประชุมมาตรการ", 90),
    (350, 625, "ป้องกันอุทกภัย", 90),
    (240, 700, "เรยน นายอําเภอทุกอําเภอ", 90),
    (240, 760, "อ้างถึง หนังสือกรมบัญชีกลาง ที่ กค 0402.2/ว 1234 ลงวันที่ 1 กันยายน 2567", 90),
]


def test_header_parts_found_and_decoys_skipped():
    h = layout.read(_page(ROWS), W)
    assert h.ref_no == "มท 0201.2/4470"
    assert h.sender == "สำนักงานปลัดกระทรวงมหาดไทย"  # the address lines below it are not the sender
    assert h.date == "2 กันยายน 2566"  # not the stamp's date
    assert h.subject == "ขอเชิญประชุมมาตรการป้องกันอุทกภัย"  # the continuation line joined
    assert h.addressee == "นายอำเภอทุกอำเภอ"
    assert h.reference.startswith("หนังสือกรมบัญชีกลาง")
    assert h.priority == "ด่วนที่สุด"
    assert "เลขรับ" not in h.as_text()


def test_a_two_line_agency_name_is_joined():
    rows = [r for r in ROWS if r[2] != "สํานักงานปลัดกระทรวงมหาดไทย"]
    rows += [(990, 350, "สำนักงานส่งเสริมการปกครองท้องถิ่น", 90), (990, 398, "จังหวัดนครราชสีมา", 90)]
    rows = [r for r in rows if not r[2].startswith("ถนน")]
    rows.append((990, 446, "ถนนมหาดไทย นม 30000", 90))
    rows = [r for r in rows if not r[2].startswith("เขตพระนคร")]
    h = layout.read(_page(sorted(rows, key=lambda r: r[1])), W)
    assert h.sender == "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดนครราชสีมา"


def test_address_lines_recognised():
    for line in ("ถนนนครราชสีมา เขตดุสิต", "กรุงเทพฯ 10300", "๔๓ หมู่ ๖ ตำบลบางพระ", "อำเภอศรีราชา ชลบุรี ๒๐๑๑๐", "ศาลากลางจังหวัดชลบุรี"):
        assert layout.is_address(line), line
    for name in ("กรมส่งเสริมการปกครองท้องถิ่น", "จังหวัดนครราชสีมา", "มหาวิทยาลัยเทคโนโลยีราชมงคลตะวันออก"):
        assert not layout.is_address(name), name


def test_no_official_layout_gives_no_header():
    rows = [(240, 100, "ประกาศ", 90), (240, 160, "ขอเชิญทุกท่านร่วมงานปีใหม่", 90)]
    assert not layout.read(_page(rows), W).found_layout


def test_without_a_ref_line_the_stamp_is_still_not_the_sender():
    rows = [r for r in ROWS if not r[2].startswith("ที ")]
    rows = [(x, y + (100 if x > 1000 and y < 300 else 0), t, c) for x, y, t, c in rows]  # stamp just above the block
    h = layout.read(_page(sorted(rows, key=lambda r: r[1])), W)
    assert h.ref_no is None
    assert h.sender == "สำนักงานปลัดกระทรวงมหาดไทย"
    assert h.date == "2 กันยายน 2566"
