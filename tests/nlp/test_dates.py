"""Thai letter dates: every format of SARABAN.md "Dates in the wild", and impossible dates."""

from __future__ import annotations

import datetime as dt

import pytest

from nlp.dates import DateError, parse_date, thai_date
from nlp.parse import parse_message

TODAY = dt.date(2026, 3, 20)


@pytest.mark.parametrize(
    "written, expected",
    [
        ("5 ตุลาคม 2567", dt.date(2024, 10, 5)),
        ("๕ ต.ค. ๒๕๖๗", dt.date(2024, 10, 5)),
        ("5 ต.ค. 67", dt.date(2024, 10, 5)),  # two-digit years are พ.ศ.
        ("31 พ.ค.2544", dt.date(2001, 5, 31)),  # no space
        ("25ตค.61", dt.date(2018, 10, 25)),  # no dots, glued
        ("25/05/2569", dt.date(2026, 5, 25)),
        ("2024-10-05", dt.date(2024, 10, 5)),  # ISO, year below 2400 is ค.ศ.
        ("2567-10-05", dt.date(2024, 10, 5)),  # year above 2400 is พ.ศ.
        ("5 Oct 2024", dt.date(2024, 10, 5)),
        ("5 ต.ค. 2024", dt.date(2024, 10, 5)),
        ("5 ตุลาคม พ.ศ. 2567", dt.date(2024, 10, 5)),
        ("1 ม.ค 69", dt.date(2026, 1, 1)),  # a dot left out
        ("17 มีค 2569", dt.date(2026, 3, 17)),
        ("2 กพ 2569", dt.date(2026, 2, 2)),
        ("12 ธค 68", dt.date(2025, 12, 12)),
        ("8 พฤศจิกายน 2568", dt.date(2025, 11, 8)),  # months 10-12, which thai_strptime misreads
        ("3 พ.ย. 68", dt.date(2025, 11, 3)),
        ("9 กรกฎาคม 2568", dt.date(2025, 7, 9)),
        ("9 กรกฏาคม 2568", dt.date(2025, 7, 9)),  # a common misspelling
        ("ลงวันที่ 27 ก.พ. 2569", dt.date(2026, 2, 27)),
        ("ลว. 5 ต.ค. 67", dt.date(2024, 10, 5)),
        ("ลว 5 ต.ค. 67", dt.date(2024, 10, 5)),
        ("ลง 5 ต.ค. 67", dt.date(2024, 10, 5)),
        ("วันนี้", TODAY),
        ("เมื่อวาน", TODAY - dt.timedelta(days=1)),
        ("เมื่อวานซืน", TODAY - dt.timedelta(days=2)),
        ("ลว. เมื่อวาน", TODAY - dt.timedelta(days=1)),
        ("29 ก.พ. 2567", dt.date(2024, 2, 29)),  # 2024 is a leap year
    ],
)
def test_accepted_formats(written, expected):
    assert parse_date(written, today=TODAY) == expected


def test_missing_year_is_the_latest_such_date():
    assert parse_date("5 ต.ค.", today=TODAY) == dt.date(2025, 10, 5)
    assert parse_date("15 มี.ค.", today=TODAY) == dt.date(2026, 3, 15)


@pytest.mark.parametrize(
    "written, words",
    [
        ("31 ก.พ. 2569", ["ไม่มีวันที่ 31 กุมภาพันธ์ 2569", "28 วัน"]),
        ("29 ก.พ. 2569", ["ไม่มีวันที่ 29 กุมภาพันธ์ 2569"]),
        ("31/04/2569", ["ไม่มีวันที่ 31 เมษายน 2569", "30 วัน"]),
        ("13/13/2569", ["เดือน 13"]),
        ("0 มกราคม 2569", ["ไม่มีวันที่ 0"]),
        ("5 ต.ค. 256", ["ปี 256"]),
        ("1 ม.ค. 1500", ["ปี 1500"]),
        ("ขอเชิญประชุม", ["อ่านวันที่ไม่ออก"]),
    ],
)
def test_impossible_dates_are_errors_in_thai(written, words):
    with pytest.raises(DateError) as err:
        parse_date(written, today=TODAY)
    for word in words:
        assert word in str(err.value)


def test_impossible_letter_date_is_reported_not_guessed():
    text = "รับหนังสือ ที่ มท 0808.2/ว 1095 ลงวันที่ 31 ก.พ. 69 เรื่อง ทดสอบ"
    result = parse_message(text, today=TODAY)
    assert result.letter_date is None
    assert [e.field for e in result.errors] == ["letter_date"]
    error = result.errors[0]
    assert "31 กุมภาพันธ์ 2569" in error.message
    assert text[error.span[0] : error.span[1]] == "31 ก.พ. 69"
    assert result.subject.value == "ทดสอบ"  # the rest of the message is still read


@pytest.mark.parametrize(
    "date, kwargs, expected",
    [
        (dt.date(2024, 10, 5), {}, "5 ตุลาคม 2567"),
        (dt.date(2024, 10, 5), {"short": True}, "5 ต.ค. 67"),
        (dt.date(2024, 10, 5), {"thai_digits": True}, "๕ ตุลาคม ๒๕๖๗"),
        (dt.date(2024, 10, 5), {"thai_digits": True, "short": True}, "๕ ต.ค. ๖๗"),
        (dt.date(1950, 1, 2), {"short": True}, "2 ม.ค. 2493"),  # two digits would read as 25xx
    ],
)
def test_thai_date_rendering(date, kwargs, expected):
    assert thai_date(date, **kwargs) == expected
