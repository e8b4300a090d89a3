"""Word-level correction of OCR'd subjects: whole letters Tesseract misread are put right from the
dictionary and the frequencies, and text that is right is left exactly as read."""

from __future__ import annotations

import pytest

from scan.correct import CONFUSABLE, candidates, correct, distance
from scan.spelling import restore_marks


@pytest.mark.parametrize(
    ("read", "right"),
    [
        # a letter that took a neighbour's shape, with a space OCR put inside the word
        ("การป้อง มันและควบคุมโรค", "การป้องกันและควบคุมโรค"),
        # a rare look-alike word at the start of a line (ข for ซ, ุ for ั)
        ("ขุกซ้อมแนวทางการรับฟังความคิดเห็นของประชาชน", "ซักซ้อมแนวทางการรับฟังความคิดเห็นของประชาชน"),
    ],
)
def test_misread_letters_put_right(read, right):
    assert correct(restore_marks(read)) == right


@pytest.mark.parametrize(
    "text",
    [
        "ขอเชิญประชุม การจัดทำแผนพัฒนาท้องถิ่น ระดับจังหวัด",
        "ขอความร่วมมือ การสำรวจข้อมูลผู้สูงอายุ ในพื้นที่ภาคตะวันออก",
        "ขออนุมัติโครงการฝึกอบรมเจ้าหน้าที่ ประจำปีงบประมาณ พ.ศ. 2568",
        "แจ้งผลการพิจารณา ครั้งที่ 2/2567",
        "ขอเชิญประชุมประสานความร่วมมือระหว่างหน่วยงานเพื่อแก้ไขปัญหานักท่องเที่ยว",
        "มท 0808.2/ว 1095",
        "",
    ],
)
def test_right_text_unchanged(text):
    assert correct(text) == text


def test_none_passes():
    assert correct(None) is None


def test_confusable_swap_is_cheaper_than_any_other():
    assert ("ข", "ซ") in CONFUSABLE and ("ซ", "ข") in CONFUSABLE
    assert distance("ขก", "ซก") < distance("ขก", "รก") == 1.0
    # a dropped leading vowel is cheap, a letter OCR would have invented is dear
    assert distance("กล", "ไกล") < 1.0 < distance("ไกล", "กล")


def test_candidates_are_one_edit_away_and_never_drop_a_letter_read():
    found = candidates("ปองมน")  # ป้อง มัน as read, marks removed
    assert "ปองกน" in found  # ป้องกัน
    assert all(len(k) >= len("ปองมน") for k in found)
    assert all(d <= 1.0 for d in found.values())
