"""Reference numbers (ที่) in every shape SARABAN.md lists, kept as written and normalised."""

from __future__ import annotations

import datetime as dt

import pytest

from nlp.parse import parse_message
from nlp.refno import is_circular, normalize_ref_no

TODAY = dt.date(2026, 3, 20)

# (as written in the letter, normalised key)
SHAPES = [
    ("มท 0201.2/ว 1234", "มท0201.2/ว1234"),
    ("มท ๐๘๐๙.๔/ว ๒๙๐๘", "มท0809.4/ว2908"),  # Thai digits
    ("กค0402.2/ว195", "กค0402.2/ว195"),  # missing spaces
    ("มท 0603/ ว 2075", "มท0603/ว2075"),  # extra spaces
    ("กค. 0530.3/ว.61", "กค0530.3/ว61"),  # a dot after the code and after ว
    ("มท (กปภก) 0606/ว 4471", "มท(กปภก)0606/ว4471"),  # unit in brackets
    ("อว 8603.15 (กทม.)/ว 0154", "อว8603.15(กทม)/ว0154"),
    ("กค ๐๔๒๒.๒/พิเศษ/ว ๒", "กค0422.2/พิเศษ/ว2"),  # extra segment
    ("ว 10", "ว10"),  # bare circular number
    ("มท 0808.2-ว 1095", "มท0808.2-ว1095"),  # hyphen instead of slash
    ("มท 0808.2/", "มท0808.2/"),  # missing number
    ("รย52001/0459", "รย52001/0459"),
    ("สำนักงาน ศอ.ปส.จ.รย/ว 2428", "สํานักงานศอปสจรย/ว2428"),
]


@pytest.mark.parametrize("written, key", SHAPES)
def test_normalize_ref_no(written, key):
    assert normalize_ref_no(written) == key


def test_normalisation_makes_variants_equal():
    assert normalize_ref_no("กค. 0530.3/ว.61") == normalize_ref_no("กค 0530.3/ว61")
    assert normalize_ref_no("มท ๐๘๐๙.๔/ว ๒๙๐๘") == normalize_ref_no("มท0809.4/ว2908")
    assert normalize_ref_no("มท\u200b 0201/ว 5") == normalize_ref_no("มท 0201/ว 5")
    assert normalize_ref_no("มท 0201/ว 5") != normalize_ref_no("มท 0201/ว 6")


@pytest.mark.parametrize("written, _key", SHAPES)
def test_labelled_ref_no_is_kept_as_written(written, _key):
    text = f"รับหนังสือ ที่ {written} ลงวันที่ 5 ต.ค. 67 เรื่อง ทดสอบระบบ"
    result = parse_message(text, today=TODAY)
    assert result.ref_no is not None
    assert result.ref_no.value == written
    start, end = result.ref_no.span
    assert text[start:end] == written
    assert result.ref_no_normalized == normalize_ref_no(written)
    assert result.letter_date.value == "2024-10-05"
    assert result.subject.value == "ทดสอบระบบ"


@pytest.mark.parametrize(
    "written",
    ["มท 0201.2/ว 1234", "มท ๐๘๐๙.๔/ว ๒๙๐๘", "กค0402.2/ว195", "กค. 0530.3/ว.61", "มท (กปภก) 0606/ว 4471",
     "อว 8603.15 (กทม.)/ว 0154", "กค ๐๔๒๒.๒/พิเศษ/ว ๒", "มท 0808.2-ว 1095"],
)  # fmt: skip
def test_unlabelled_ref_no_is_found(written):
    result = parse_message(f"ลงรับ {written} ลว. 5 ต.ค. 67 เรื่อง ทดสอบ", today=TODAY)
    assert result.ref_no is not None and result.ref_no.value == written


def test_ref_no_in_brackets_after_subject():
    text = "เรื่อง ขอเชิญประชุมคณะกรรมการ (ที่ มท 0808.2/ว 1095 ลว. 5 ต.ค. 67)"
    result = parse_message(text, today=TODAY)
    assert result.intent == "register_incoming"
    assert result.subject.value == "ขอเชิญประชุมคณะกรรมการ"
    assert result.ref_no.value == "มท 0808.2/ว 1095"
    assert result.letter_date.value == "2024-10-05"


def test_span_of_years_is_not_a_ref_no():
    result = parse_message("ลงรับ เรื่อง แผนพัฒนา พ.ศ. 2571 - 2575", today=TODAY)
    assert result.ref_no is None
    assert result.subject.value == "แผนพัฒนา พ.ศ. 2571 - 2575"


def test_is_circular():
    assert is_circular("มท 0201.2/ว 1234") and is_circular("ว 10") and is_circular("กค. 0530.3/ว.61")
    assert not is_circular("รย 0003/36") and not is_circular("มท 0808.2/")
