"""A message that only greets or thanks is small talk, whatever its particles and emoji."""

from __future__ import annotations

import pytest

from nlp.intents import small_talk


@pytest.mark.parametrize("text", ["สวัสดีค่ะ", "สวัสดีครับทุกท่าน 😀", "หวัดดีจ้า", "Hello!", "อรุณสวัสดิ์ค่ะ"])
def test_greetings(text):
    assert small_talk(text) == "greeting"


@pytest.mark.parametrize("text", ["ขอบคุณค่ะ", "ขอบคุณมากๆ ครับ 🙏", "ขอบพระคุณค่ะ", "thank you", "ขอบคุณ ๆ"])
def test_thanks(text):
    assert small_talk(text) == "thanks"


@pytest.mark.parametrize("text", ["", "🙏", "สวัสดีค่ะ ลงรับ ที่ มท 0808/ว 1", "ขอบคุณสำหรับข้อมูลเรื่องประชุม",
                                  "สวัสดีปีใหม่ 2570", "รับทราบค่ะ", "'; DROP TABLE letters; --"])
def test_anything_more_is_not_small_talk(text):
    assert small_talk(text) is None
