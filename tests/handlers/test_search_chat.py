"""ค้นหา in the chat as clerks type (issue 13 point 9): an abbreviation without its dots, a word
inside a compound name, a ref number typed without spaces, and a period after the words."""

from __future__ import annotations

from handlers.search import split_period
from tests.handlers.conftest import register

STH = "ที่ มท 0808.2/ว 1095 ลงวันที่ 5 ม.ค. 2569 จาก สถ. เรื่อง ขอความร่วมมือรายงานผลการเบิกจ่าย"
CGD = "ที่ กค 0402.2/ว 55 ลงวันที่ 20 ก.พ. 2569 จาก กรมบัญชีกลาง เรื่อง ซักซ้อมแนวทางการเบิกจ่ายเงิน"


def test_chat_search_finds_what_clerks_type_within_a_period(runtime, link, clock):
    clerk = link("clerk")
    register(clerk, STH)
    register(clerk, CGD)

    def said(text: str) -> str:
        return clerk.say(text)[0].text

    sth, cgd = "ขอความร่วมมือรายงานผลการเบิกจ่าย", "ซักซ้อมแนวทางการเบิกจ่ายเงิน"
    found = said("ค้นหา สถ")
    assert found.startswith("พบ 1 รายการ") and sth in found and cgd not in found
    found = said("ค้นหา บัญชีกลาง")
    assert found.startswith("พบ 1 รายการ") and cgd in found
    assert cgd in said("ค้นหา กค0402.2/ว55")
    # the letter's own date (ลงวันที่) range
    found = said("ค้นหา เบิกจ่าย ลงวันที่ตั้งแต่ 1 ก.พ. 2569 ถึง 28 ก.พ. 2569")
    assert found.startswith("พบ 1 รายการ") and cgd in found and "ลงวันที่ตั้งแต่ 1 กุมภาพันธ์ 2569" in found
    # the registered date: both came in today (2 มี.ค. 2569)
    assert said("ค้นหา เบิกจ่าย วันที่ 2/3/2569").startswith("พบ 2 รายการ")
    none = said("ค้นหา สถ ลงรับตั้งแต่ 1/4/2569")
    assert "ไม่พบหนังสือที่ตรงกับ “สถ” ในช่วง ลงรับตั้งแต่ 1 เมษายน 2569" in none
    assert "ไม่มีวันที่ 31 กุมภาพันธ์ 2569" in said("ค้นหา สถ ตั้งแต่ 31/2/2569")
    # a registration number is still a number, not a date
    assert said("ค้นหา 2/2569").startswith("พบ 1 รายการ")


def test_split_period_keeps_the_words_and_reads_both_calendars():
    import datetime as dt

    today = dt.date(2026, 3, 2)
    p = split_period("ประชุม ตั้งแต่ 1/2/2569 ถึง 2026-02-28", today)
    assert (p.words, p.received, p.letter) == ("ประชุม", [dt.date(2026, 2, 1), dt.date(2026, 2, 28)], [None, None])
    p = split_period("ลว. 1/1/2569 - 31/1/2569 บัญชีกลาง", today)
    assert (p.words, p.letter) == ("บัญชีกลาง", [dt.date(2026, 1, 1), dt.date(2026, 1, 31)])
    assert split_period("ถึง 31 ม.ค. 69", today).received == [None, dt.date(2026, 1, 31)]
    assert split_period("2/2569", today).words == "2/2569"
