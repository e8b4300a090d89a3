"""Chat typed around a pasted header: polite endings, thanks, "ลงรับด้วยครับ", emoji, web-list links."""

from __future__ import annotations

import re
from nlp.fields.words import CHAT_HINTS, CHAT_STARTS, POLITE_ENDINGS


_TAIL_WINDOW = 48  # chat endings are short: look for them only near the end (regex search is costly)


_CHAT_HINTS = CHAT_HINTS


_CHAT_HINT_RE = re.compile("|".join(map(re.escape, _CHAT_HINTS)))


_CHAT_STARTS = CHAT_STARTS


_STRONG_POLITE = POLITE_ENDINGS


def _may_chat(text: str, s: int, e: int) -> bool:
    """A cheap test before the chat-ending regexes: a symbol at the end, or a chat word near it."""
    while e > s and text[e - 1] in " \t\n!.":
        e -= 1
    if e <= s:
        return False
    last = text[e - 1]
    if not ("\u0e00" <= last <= "\u0e7f" or last.isalnum()):
        return True
    return _CHAT_HINT_RE.search(text, max(s, e - _TAIL_WINDOW), e) is not None


def _glued_polite_start(text: str, s: int, e: int) -> int:
    """Where a polite ending glued to a name begins ("…ระยองให้หน่อยครับ"), or *e* when there is none."""
    while e > s and text[e - 1] in " \t":
        e -= 1
    if e <= s or text[e - 1] not in "บมะาย":  # how ครับผม ครับ ค่ะ คะ จ้า หน่อย ด้วย end
        return e
    end, found = e, False
    for words in (_STRONG_POLITE, ("นะ",), ("หน่อย", "ด้วย"), ("ให้",)):
        for w in words:
            if e - len(w) > s and text.startswith(w, e - len(w)):
                if words is _STRONG_POLITE or w in ("หน่อย", "ด้วย"):
                    found = True
                e -= len(w)
                break
    return e if found else end


# What a clerk adds after the header in chat: ครับ/ค่ะ, thanks, emoji. Only as separate words
# (or symbols), never the end of a word.
_CHATTER_TAIL = re.compile(
    r"(?:(?<=\s)(?:ขอบคุณ(?:มาก)?(?:ครับผม|ครับ|ค่ะ|คะ|จ้า|จ้ะ|นะคะ|นะครับ)?|(?:นะ)?(?:ครับผม|ครับ|ค่ะ|คะ|จ้า|จ้ะ)|"
    r"รบกวนด้วย(?:ครับ|ค่ะ)?|ด้วยครับ|ด้วยค่ะ|"
    # the request typed after the paste: "… ลงรับด้วยครับ", "ช่วยลงรับให้หน่อยค่ะ"
    r"(?:ช่วย|รบกวน|กรุณา|ฝาก)?(?:ลงทะเบียนรับ|ลงรับ|รับหนังสือ|บันทึกรับ)(?:หนังสือ)?(?:ให้)?(?:ด้วย|หน่อย)?"
    r"(?:นะ)?(?:ครับผม|ครับ|ค่ะ|คะ|จ้า)?)"
    r"|[\[(](?:ไฟล์แนบ|เอกสารแนบ|ดาวน์โหลด|ดาวน์โหลดเอกสาร|คลิก|PDF|pdf|ใหม่|new|NEW)[\])]"  # web-list links
    r"|[^\w\s\u0e00-\u0e7f()\[\]{}<>.,;:!?\"'“”‘’«»/\\&%+*#=~^`|_@$-]+)[\s!.]*$"
)


_CHATTER_WORDS = re.compile(r"(?:\s*(?:ครับผม|ครับ|ค่ะ|คะ|นะคะ|นะครับ|จ้า|จ้ะ|[^\w\s\u0e00-\u0e7f]))+\s*$")


_LEAD_CHATTER = re.compile(
    r"(?:(?:สวัสดี|ขอบคุณมาก|ขอบคุณ|ให้หน่อย|หน่อย|ครับผม|ครับ|ค่ะ|คะ|นะคะ|นะครับ|จ้า)+(?![ก-๎])\s*)+"
)
