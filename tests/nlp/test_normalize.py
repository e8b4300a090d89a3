"""Normalisation: digits, invisible characters, typing-order slips, full-width forms."""

from __future__ import annotations

from nlp.normalize import clean_value, fold, normalize_text, to_thai_digits, working_text


def test_digits_zero_width_and_spacing():
    assert normalize_text("มท\u200b ๐๘๐๙.๔/ว\u00a0\u00a0๒๙๐๘\ufeff\u2060\u200d\u00ad") == "มท 0809.4/ว 2908"
    assert normalize_text("  ก\t\tข  \r\n\r\n ค ") == "ก ข\nค"


def test_full_width_forms():
    assert normalize_text("มท\u3000０２０１／ว　５") == "มท 0201/ว 5"


def test_thai_typing_order():
    assert normalize_text("ศูนย์อํานวยการ") == "ศูนย์อำนวยการ"  # ํา typed for ำ
    assert normalize_text("เเปลก") == "แปลก"  # เเ typed for แ
    assert normalize_text("ก่ิง") == "กิ่ง"  # tone mark before the vowel
    assert normalize_text("ด่่วน") == "ด่วน"  # a mark typed twice
    assert normalize_text("สถานการณฺฉุกเฉิน") == "สถานการณฺฉุกเฉิน"  # real typos are not "fixed"


def test_working_text_maps_back_to_the_original():
    original = "ก\u200bข ๑๒ ศูนย์อํานวย"
    w = working_text(original)
    assert w.text == "กข 12 ศูนย์อำนวย"
    start = w.text.index("12")
    assert w.original_slice(start, start + 2) == "๑๒"
    start = w.text.index("อำนวย")
    assert w.original_slice(start, start + 5) == "อํานวย"
    assert w.span(0, 2) == (0, 3)  # the invisible character between them is inside the span


def test_working_text_without_changes_is_identity():
    w = working_text("ที่ มท 0201/ว 5")
    assert w.index is None and w.text == "ที่ มท 0201/ว 5" and w.span(4, 6) == (4, 6)


def test_clean_value_and_fold():
    assert clean_value("  กอง\u200bคลัง \n กรม ") == "กองคลัง กรม"
    assert fold("สำนักงาน ABC ๑") == "สำนักงาน abc 1"  # SARA AM stays whole after NFKC
    assert to_thai_digits("5 ต.ค. 67") == "๕ ต.ค. ๖๗"
