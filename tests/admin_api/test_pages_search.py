"""Search as clerks type on the letters page and the API (issue 13 point 9): an abbreviation
without its dots, a word inside a compound name, the registered and the letter date ranges typed
in พ.ศ., and an empty result that names the filters that are on and offers to clear them."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re

from tests.admin_api.conftest import ADMIN, ADMIN_TOKEN, register
from tests.web_forms import sign_in

STH = "ขอความร่วมมือรายงานผลการเบิกจ่ายเงินอุดหนุน"
CGD = "ซักซ้อมแนวทางการเบิกจ่ายเงินงบประมาณ"
OTHER = "ขอเชิญร่วมพิธีวันท้องถิ่นไทย"


def _letters(runtime, demo, clock) -> dict[str, int]:
    unit = demo.unit("มท 0201")
    earlier = clock.now() - dt.timedelta(days=20)  # ลงรับ 10 ก.พ. 2569
    return {
        "sth": register(runtime, unit, subject=STH, sender="สถ.", ref_no="มท 0808.2/ว 1095",
                        letter_date=dt.date(2026, 2, 5), received_at=earlier)[0],
        "cgd": register(runtime, unit, subject=CGD, sender="กรมบัญชีกลาง", ref_no="กค 0402.2/ว 55",
                        letter_date=dt.date(2026, 2, 25))[0],
        "other": register(runtime, unit, subject=OTHER, sender="จังหวัดระยอง", ref_no="รย 0017.2/ว 9",
                          letter_date=dt.date(2026, 1, 10), received_at=earlier)[0],
    }


def _subjects(html: str) -> set[str]:
    return {s for s in (STH, CGD, OTHER) if s in html}


def test_the_page_finds_what_clerks_type(client, runtime, demo, clock):
    _letters(runtime, demo, clock)
    sign_in(client, ADMIN_TOKEN)
    assert _subjects(client.get("/admin/letters", params={"q": "สถ"}).text) == {STH}
    assert _subjects(client.get("/admin/letters", params={"q": "บัญชีกลาง"}).text) == {CGD}
    assert _subjects(client.get("/admin/letters", params={"q": "มท ๐๘๐๘.๒"}).text) == {STH}
    assert _subjects(client.get("/admin/letters", params={"q": "เบิกจ่าย"}).text) == {STH, CGD}


def test_the_page_filters_by_registered_and_letter_date_in_buddhist_years(client, runtime, demo, clock):
    _letters(runtime, demo, clock)
    sign_in(client, ADMIN_TOKEN)
    html = client.get("/admin/letters", params={"lfrom": "1/2/2569", "lto": "28 ก.พ. 69"}).text
    assert _subjects(html) == {STH, CGD}
    assert 'value="1/2/2569"' in html and 'value="28 ก.พ. 69"' in html
    assert "ลงวันที่ (ของหนังสือ) ตั้งแต่" in html and 'type="date"' not in html
    assert _subjects(client.get("/admin/letters", params={"lfrom": "20/2/2569"}).text) == {CGD}
    assert _subjects(client.get("/admin/letters", params={"lto": "31/1/2569"}).text) == {OTHER}
    # the registered date: two were received on 10 ก.พ. 2569, one on 2 มี.ค. 2569
    assert _subjects(client.get("/admin/letters", params={"from": "10/2/2569", "to": "10/2/2569"}).text) == {STH, OTHER}
    assert _subjects(client.get("/admin/letters", params={"q": "เบิกจ่าย", "from": "1/3/2569"}).text) == {CGD}
    # the export of the result follows the same filters
    csv = client.get("/admin/letters/export", params={"lfrom": "20/2/2569", "format": "csv"})
    assert csv.status_code == 200 and CGD in csv.text and STH not in csv.text
    # a date that cannot be read is said in Thai, and what was typed stays in the box
    bad = client.get("/admin/letters", params={"lfrom": "31/2/2569"}).text
    assert "ลงวันที่ตั้งแต่อ่านไม่ได้" in bad and 'value="31/2/2569"' in bad


def test_an_empty_result_names_the_filters_that_are_on_and_offers_to_clear_them(client, runtime, demo, clock):
    _letters(runtime, demo, clock)
    sign_in(client, ADMIN_TOKEN)
    html = client.get("/admin/letters", params={"q": "บัญชีกลาง", "lfrom": "1/1/2569", "lto": "31/1/2569",
                                                "status": "registered"}).text
    assert _subjects(html) == set()
    hint = html.split('id="no-result"')[1].split("</td>")[0]
    assert "ไม่พบหนังสือตามตัวกรองที่ใช้อยู่" in hint
    links = {htmllib.unescape(text): htmllib.unescape(href)
             for href, text in re.findall(r'<a href="([^"]+)"[^>]*>✕ ([^<]+)</a>', hint)}
    assert set(links) == {"คำค้น “บัญชีกลาง”", "สถานะ ลงรับแล้ว", "ลงวันที่ตั้งแต่ 1/1/2569", "ลงวันที่ถึง 31/1/2569"}
    # each link drops its own filter and keeps the others
    without_dates = client.get(links["ลงวันที่ตั้งแต่ 1/1/2569"]).text
    assert 'value="31/1/2569"' in without_dates and 'value="1/1/2569"' not in without_dates
    assert _subjects(client.get(links["คำค้น “บัญชีกลาง”"]).text) == {OTHER}  # dated in January
    clear = re.search(r'id="clear-filters"', hint) and re.search(r'<a href="([^"]+)" id="clear-filters"', hint).group(1)
    assert _subjects(client.get(htmllib.unescape(clear)).text) == {STH, CGD, OTHER}
    # no filter, nothing registered: no hint to clear anything
    sign_in(client, ADMIN_TOKEN)
    empty = client.get("/admin/letters", params={"direction": "circular"}).text
    assert "ไม่พบหนังสือค่ะ" in empty and "clear-filters" not in empty


def test_the_api_takes_a_letter_date_range_and_finds_abbreviations(client, runtime, demo, clock):
    ids = _letters(runtime, demo, clock)

    def found(**params) -> list[int]:
        r = client.get("/api/v1/letters", params=params, headers=ADMIN)
        assert r.status_code == 200, r.text
        return [i["id"] for i in r.json()["items"]]

    assert found(letter_from="2026-02-01", letter_to="2026-02-28") == [ids["cgd"], ids["sth"]]
    assert found(letter_to="2026-01-31") == [ids["other"]]
    assert found(q="สถ") == [ids["sth"]]
    assert found(q="บัญชีกลาง", letter_from="2026-03-01") == []
    assert found(q="กค0402.2/ว55") == [ids["cgd"]]
    assert client.get("/api/v1/letters", params={"letter_from": "5/2/2569"}, headers=ADMIN).status_code == 422
