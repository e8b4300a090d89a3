"""Properties: any text parses without raising; every accepted date round-trips through Thai."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp.dates import MONTHS, MONTHS_SHORT, DateError, parse_date, thai_date
from nlp.intents import INTENTS
from nlp.normalize import clean_value, to_thai_digits
from nlp.parse import parse_message
from nlp.refno import normalize_ref_no
from nlp.result import FIELD_NAMES, Field, ParseResult

TODAY = dt.date(2026, 3, 20)
TEXT_FIELDS = ("ref_no", "sender", "addressee", "subject", "enclosures", "recipient", "query", "unit")

# Pieces real messages are made of, so that generated text reaches deep into the parser.
FRAGMENTS = [
    "รับหนังสือ", "ลงรับ", "ออกเลขส่ง", "ส่งต่อ", "รับทราบ", "ค้นหา", "สุ่มตรวจ", "ผูกบัญชี", "หนังสือ", "ที่", "ที่ ",
    "ลงวันที่", "ลว.", "ลว", "ลง", "วันที่", "จาก", "ถึง", "เรียน", "เรื่อง", "สิ่งที่ส่งมาด้วย", "ชั้นความเร็ว",
    "ชั้นความลับ", "ด่วนที่สุด", "ด่วนมาก", "ด่วน", "ลับที่สุด", "ลับมาก", "ลับ", "ปกติ", "ภายใน", "มท", "กค.",
    "0201.2", "/", "ว", "ว.", "1234", "๒๕๖๙", "(", ")", "(กทม.)", "31", "ก.พ.", "ต.ค.", "ตค", "ตุลาคม", "67", "2569",
    "/05/", "2024-10-05", "วันนี้", "เมื่อวานซืน", "กรมบัญชีกลาง", "สำนักงานจังหวัดระยอง", "สป.มท.", "ให้", "เพื่อทราบ",
    "ครับ", "การประชุม", "ครั้งที่ 1/2569", "พ.ศ.", " ", " ", "\n", ":", ".", "-", "\u200b", "\ufeff", "ํา", "เเ", "่",
]  # fmt: skip
THAI_ALPHABET = st.characters(min_codepoint=0x0E00, max_codepoint=0x0E7F) | st.sampled_from(
    list("0123456789 /.-:()\n\u200b\u00a0") + ["\uff10", "\uff0f"]
)
messages = st.one_of(
    st.text(max_size=10_000),
    st.text(alphabet=THAI_ALPHABET, max_size=10_000),
    st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=3), max_size=400).map("".join),
    st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=40).map(" ".join),
)


def check_result(text: str, parse=parse_message) -> None:
    result = parse(text, today=TODAY)
    out = result.to_json()
    json.dumps(out, ensure_ascii=False)
    assert result.intent in INTENTS
    assert out["priority"] in ("most_urgent", "very_urgent", "urgent", "normal")
    assert out["secrecy"] in ("top_secret", "secret", "confidential", None)
    for name in FIELD_NAMES:
        field = getattr(result, name)
        if field is None or field.span is None:
            continue
        start, end = field.span
        assert 0 <= start <= end <= len(text), (name, field.span)
        assert 0 < field.confidence <= 1
        if name in TEXT_FIELDS:
            # the value is what the text says there, as written
            assert field.value and field.value == clean_value(text[start:end]), name
    if result.letter_date is not None:
        date = dt.date.fromisoformat(result.letter_date.value)
        assert parse_message(f"ลงรับ ลงวันที่ {thai_date(date)}").letter_date.value == result.letter_date.value
    if result.ref_no is not None:
        assert result.ref_no_normalized == normalize_ref_no(result.ref_no.value)
    for error in result.errors:
        assert any("\u0e01" <= ch <= "\u0e4e" for ch in error.message)  # Thai
        assert error.span is None or 0 <= error.span[0] <= error.span[1] <= len(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(messages)
def test_any_text_parses_without_raising(text):
    check_result(text)


def test_the_property_check_can_fail():
    # check_result must reject a result that breaks its promises, or the property proves nothing.
    def span_past_the_end(text, **kwargs):
        return ParseResult("register_incoming", 1.0, subject=Field("x", 0.9, (0, len(text) + 5)))

    def value_not_from_its_span(text, **kwargs):
        return ParseResult("register_incoming", 1.0, subject=Field("อื่น", 0.9, (0, 3)))

    for broken in (span_past_the_end, value_not_from_its_span):
        with pytest.raises(AssertionError):
            check_result("เรื่อง ทดสอบ", parse=broken)


# --- dates ------------------------------------------------------------------------------------

MONTH_WORDS = list(MONTHS) + list(MONTHS_SHORT) + [m.replace(".", "") for m in MONTHS_SHORT] + ["ม.ค", "Oct", "มีนา"]


@st.composite
def written_dates(draw) -> str:
    day = draw(st.integers(0, 35))
    year = draw(st.sampled_from(["{:02d}".format(draw(st.integers(0, 99))), str(draw(st.integers(1000, 9999))),
                                 str(draw(st.integers(100, 999)))]))  # fmt: skip
    kind = draw(st.sampled_from(["thai", "numeric", "iso", "relative"]))
    if kind == "thai":
        sep = draw(st.sampled_from(["", " ", "  "]))
        era = draw(st.sampled_from(["", "พ.ศ. ", "ค.ศ. "]))
        text = f"{day}{sep}{draw(st.sampled_from(MONTH_WORDS))}{sep}{era}{year}"
    elif kind == "numeric":
        sep = draw(st.sampled_from(["/", "-", "."]))
        text = f"{day:02d}{sep}{draw(st.integers(0, 14)):02d}{sep}{year}"
    elif kind == "iso":
        text = f"{draw(st.integers(1000, 9999))}-{draw(st.integers(0, 14)):02d}-{day:02d}"
    else:
        text = draw(st.sampled_from(["วันนี้", "เมื่อวาน", "เมื่อวานซืน"]))
    if draw(st.booleans()):
        text = to_thai_digits(text)
    return draw(st.sampled_from(["", "ลงวันที่ ", "ลว. ", "ลว", "ลง "])) + text


@settings(max_examples=400, deadline=None)
@given(written_dates(), st.booleans(), st.booleans())
def test_every_accepted_date_round_trips(written, thai_digits, short):
    try:
        date = parse_date(written, today=TODAY)
    except DateError:
        return  # refused, with a message: never a guess
    rendered = thai_date(date, thai_digits=thai_digits, short=short)
    assert parse_date(rendered, today=TODAY) == date, (written, rendered)
    assert parse_message(f"ลงรับ ที่ มท 0201/ว 1 ลว. {rendered} เรื่อง ทดสอบ").letter_date.value == date.isoformat()


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=dt.date(1858, 1, 1), max_value=dt.date(9456, 12, 31)), st.booleans(), st.booleans())
def test_every_representable_date_round_trips(date, thai_digits, short):
    assert parse_date(thai_date(date, thai_digits=thai_digits, short=short)) == date


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_normalize_ref_no_is_idempotent(text):
    key = normalize_ref_no(text)
    assert normalize_ref_no(key) == key
