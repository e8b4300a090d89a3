"""OCR drops and invents Thai marks; the dictionary puts them back, and leaves right text alone."""

from __future__ import annotations

import pytest

from scan.spelling import restore_marks


@pytest.mark.parametrize(
    ("read", "right"),
    [
        ("ประจำปงบประมาณ", "ประจำปีงบประมาณ"),
        ("ในพืนทีภาคตะวันออก", "ในพื้นที่ภาคตะวันออก"),
        ("กรมส่งเสริมูสหกรณ์", "กรมส่งเสริมสหกรณ์"),
        ("กรมควบคมมลพิษ", "กรมควบคุมมลพิษ"),
        ("สิงปลูกสร้าง", "สิ่งปลูกสร้าง"),
        ("ผลการจัดเก็บภาษีแล ะสิ่งปลูกสร้าง", "ผลการจัดเก็บภาษีและสิ่งปลูกสร้าง"),  # a word OCR split in two
        ("ไข้เลื อดออกในพื้นที่ ภาคตะวนออก", "ไข้เลือดออกในพื้นที่ ภาคตะวันออก"),  # the space between words kept
    ],
)
def test_marks_put_back(read, right):
    assert restore_marks(read) == right


@pytest.mark.parametrize(
    "text",
    ["สำนักงานปลัดกระทรวงมหาดไทย", "นายอำเภอทุกอำเภอ", "พ.ศ. 2568 ครั้งที่ 2/2567", "มท 0808.2/ว 1095", "",
     # ณ, ฯ, ๆ stand alone between spaces and are no dictionary word: not glued to their neighbours
     "ขอเชิญเข้าร่วม ณ ห้องประชุม", "ประชุม ณ ศาลากลางจังหวัด", "กรุงเทพ ฯ", "ต่าง ๆ"],
)
def test_right_text_unchanged(text):
    assert restore_marks(text) == text
