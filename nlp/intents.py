"""Which command a chat message is, and the command's arguments.

Intents are exactly those of SPEC F2. A command is recognised by its Thai (or short English)
keyword at the start of the message, after an optional emoji, @mention, slash or polite prefix
(ช่วย / กรุณา / รบกวน / ขอ / ดู); a few also read with the number first ("12 รับทราบ").

Works on normalised text (see :mod:`nlp.normalize`); positions are in that text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.names import honorific_length
from nlp.purposes import PURPOSE_WORDS

INTENTS = (
    "register_incoming", "register_outgoing", "forward", "acknowledge", "reject", "close", "search",
    "status", "my_tasks", "help", "link_account", "web_signin", "audit_sample", "training", "cancel", "unknown",
)  # fmt: skip

# (intent, keyword, may a Thai word follow without a space?) — short, common words must stand
# alone ("หา" would otherwise read "หากมีข้อสงสัย" as a search).
_KEYWORDS: tuple[tuple[str, str, bool], ...] = (
    ("register_incoming", "ลงทะเบียนรับหนังสือ", True),
    ("register_incoming", "ลงทะเบียนหนังสือรับ", True),
    ("register_incoming", "บันทึกหนังสือรับ", True),
    ("register_incoming", "บันทึกรับหนังสือ", True),
    ("register_incoming", "เพิ่มหนังสือรับ", True),
    ("register_incoming", "ลงทะเบียนรับ", True),
    ("register_incoming", "ลงรับหนังสือใหม่", True),
    ("register_incoming", "รับหนังสือใหม่", True),
    ("register_incoming", "หนังสือใหม่", True),
    ("register_incoming", "ลงรับหนังสือ", True),
    ("register_incoming", "รับหนังสือ", True),
    ("register_incoming", "ลงรับ", True),
    ("register_incoming", "บันทึกรับ", True),
    ("register_incoming", "รับเรื่อง", True),
    ("register_incoming", "หนังสือรับ", False),  # not "หนังสือรับรอง" (a certificate)
    ("register_incoming", "รับเข้า", False),
    ("register_incoming", "หนังสือเข้า", True),
    ("register_outgoing", "ออกเลขหนังสือส่ง", True),
    ("register_outgoing", "ออกเลขหนังสือ", True),
    ("register_outgoing", "ออกเลขที่หนังสือ", True),
    ("register_outgoing", "ออกเลขส่ง", True),
    ("register_outgoing", "ขอเลขหนังสือส่ง", True),
    ("register_outgoing", "ขอเลขหนังสือ", True),
    ("register_outgoing", "ขอเลขส่ง", True),
    ("register_outgoing", "ลงทะเบียนส่ง", True),
    ("register_outgoing", "ออกเลข", True),
    ("register_outgoing", "ขอเลข", True),
    ("register_outgoing", "หนังสือส่ง", True),
    ("forward", "ส่งต่อ", True),
    ("forward", "มอบหมาย", True),
    ("forward", "ส่งเรื่อง", True),
    ("forward", "มอบให้", True),
    ("forward", "ส่งให้", True),
    ("forward", "มอบ", False),
    ("forward", "เสนอ", False),
    ("acknowledge", "รับทราบ", True),
    ("acknowledge", "ทราบแล้ว", True),
    ("acknowledge", "ทราบ", False),
    ("acknowledge", "ack", False),
    ("acknowledge", "ได้รับแล้ว", True),
    ("acknowledge", "ได้รับทราบ", True),
    ("reject", "ไม่ใช่งานของฉัน", True),
    ("reject", "ไม่ใช่งานของผม", True),
    ("reject", "ไม่ใช่งานของหนู", True),
    ("reject", "ไม่ใช่งานของเรา", True),
    ("reject", "ไม่ใช่งานฉัน", True),
    ("reject", "ไม่ใช่งานเรา", True),
    ("reject", "ไม่ใช่ของฉัน", True),
    ("reject", "ไม่ใช่งาน", True),
    ("reject", "ส่งคืน", True),
    ("reject", "ส่งกลับ", True),
    ("reject", "ตีกลับ", True),
    ("reject", "คืนเรื่อง", True),
    ("reject", "ปฏิเสธ", True),
    ("reject", "reject", False),
    ("close", "ปิดเรื่อง", True),
    ("close", "ปิดงาน", True),
    ("close", "จบเรื่อง", True),
    ("close", "เก็บเรื่อง", True),
    ("close", "ปิด", False),
    ("close", "close", False),
    ("search", "ค้นหา", True),
    ("search", "ค้นหนังสือ", True),
    ("search", "ค้นเรื่อง", True),
    ("search", "ค้น", False),
    ("search", "หา", False),
    ("search", "search", False),
    ("status", "เช็คสถานะ", True),
    ("status", "ตรวจสอบสถานะ", True),
    ("status", "สถานะ", True),
    ("status", "ติดตามเรื่อง", True),
    ("status", "ติดตาม", True),
    ("status", "ตามเรื่อง", True),
    ("status", "status", False),
    ("my_tasks", "งานของฉัน", True),
    ("my_tasks", "งานของผม", True),
    ("my_tasks", "งานของหนู", True),
    ("my_tasks", "งานที่ค้าง", True),
    ("my_tasks", "งานที่ต้องทำ", True),
    ("my_tasks", "งานค้าง", True),
    ("my_tasks", "เรื่องค้าง", True),
    ("my_tasks", "มีงานค้าง", True),
    ("my_tasks", "รายการค้าง", True),
    ("my_tasks", "เรื่องที่ค้าง", True),
    ("my_tasks", "งานที่ได้รับมอบหมาย", True),
    ("my_tasks", "เรื่องของฉัน", True),
    ("my_tasks", "รายการของฉัน", True),
    ("my_tasks", "งานฉัน", True),
    ("my_tasks", "mytasks", False),
    ("my_tasks", "tasks", False),
    ("help", "ช่วยเหลือ", True),
    ("help", "วิธีใช้งาน", True),
    ("help", "วิธีใช้", True),
    ("help", "ทำอะไรได้บ้าง", True),
    ("help", "ใช้งานอย่างไร", True),
    ("help", "ใช้งานยังไง", True),
    ("help", "ใช้ยังไง", True),
    ("help", "ช่วยด้วย", True),
    ("help", "คู่มือ", False),
    ("help", "เมนู", False),
    ("help", "help", False),
    ("help", "menu", False),
    ("help", "start", False),
    ("link_account", "ผูกบัญชี", True),
    ("link_account", "เชื่อมบัญชี", True),
    ("link_account", "เชื่อมต่อบัญชี", True),
    ("link_account", "link", False),
    ("web_signin", "เข้าเว็บ", True),
    ("web_signin", "เข้าสู่ระบบเว็บ", True),
    ("web_signin", "เข้าระบบเว็บ", True),
    ("web_signin", "ลิงก์เข้าเว็บ", True),
    ("web_signin", "ลิงค์เข้าเว็บ", True),
    ("web_signin", "ลิ้งเข้าเว็บ", True),
    ("web_signin", "ลิ้งค์เข้าเว็บ", True),
    ("web_signin", "เข้าเวบ", True),  # the common typo without ็
    ("web_signin", "เข้าสู่ระบบ", True),
    ("web_signin", "ลงชื่อเข้าใช้", True),
    ("audit_sample", "สุ่มตรวจ", True),
    ("audit_sample", "สุ่มตัวอย่าง", True),
    ("audit_sample", "audit", False),
    ("training", "ฝึกใช้งาน", True),
    ("training", "ฝึกอบรม", True),
    ("training", "เริ่มฝึก", True),
    ("training", "แบบฝึกหัด", True),
    ("training", "สอนใช้งาน", True),
    ("training", "สอนการใช้งาน", True),
    ("training", "ทดลองใช้งาน", True),
    ("training", "training", False),
    ("cancel", "ยกเลิก", True),
    ("cancel", "cancel", False),
)
_BY_KEYWORD = {kw.lower(): (intent, glue) for intent, kw, glue in _KEYWORDS}
_ALTERNATION = "|".join(re.escape(kw) for kw in sorted(_BY_KEYWORD, key=len, reverse=True))
# Before the keyword: an emoji or bullet, an @mention, a slash, a polite ช่วย/กรุณา/รบกวน/ขอ/ดู.
_LEAD = (
    r"\s*(?:[^\w\s]+\s*)?(?:@\S+\s+)?(?:สวัสดี(?:ครับ|ค่ะ|คะ)?[\s,]+)?(?:(?:ok|okay|โอเค|ครับ|ค่ะ)[\s,]+)?/?"
    r"(?:(?:ช่วย|กรุณา|รบกวน|ขอดู|ขอ|ดู)\s*)?"
)
_COMMAND_RE = re.compile(_LEAD + r"(?P<kw>" + _ALTERNATION + r")", re.IGNORECASE)
_NUMBER_FIRST_RE = re.compile(
    r"\s*(?P<num>\d{1,7}(?:\s*/\s*\d{2,4})?)\s+(?P<kw>" + _ALTERNATION + r")", re.IGNORECASE
)
_NUMBER_FIRST_INTENTS = {"acknowledge", "reject", "close", "status", "cancel"}
# "ส่ง 12 ให้ …": ส่ง alone is too common a word; it forwards only when a number and ให้ follow.
_SEND_RE = re.compile(r"\s*ส่ง\s*(?:เลข(?:รับ)?(?:ที่)?\s*)?\d{1,7}(?:\s*/\s*\d{2,4})?\s*(?:ให้|ถึง|ไปยัง|แก่)")
# "12 ถึงไหนแล้ว": asking where a letter is, number first.
_STATUS_SUFFIX_RE = re.compile(
    r"\s*(?:(?:เลข(?:รับ)?(?:ที่)?|เรื่อง(?:เลข)?(?:ที่)?|หนังสือ(?:เลข)?(?:ที่)?)\s*)?"
    r"\d{1,7}(?:\s*/\s*\d{2,4})?\s*(?:ถึงไหนแล้ว|ไปถึงไหน|อยู่ที่ไหน|สถานะ)"
)


# Keywords unmistakable enough to read after other words ("ดำเนินการเสร็จแล้ว ปิดเรื่อง 15"), when a
# registration number follows and the message does not look like a letter header.
_LATE_KEYWORDS = (
    "ปิดเรื่อง", "รับทราบ", "ไม่ใช่งานของฉัน", "ไม่ใช่งานของผม", "ไม่ใช่งานของเรา", "ส่งคืน", "ยกเลิก", "สถานะ", "ส่งต่อ",
)  # fmt: skip
_LETTERISH = re.compile(r"[ก-ฮ]{2,5}\.? ?\d{2,6}(?:\.\d+)*\s*[/-]|(?<![ก-๎])(?:ลว\.?|ลงวันที่|ที่)\s*[ก-ฮ]{2,5}")
_LATE_COMMAND_RE = re.compile(
    r"(?<![ก-๎])(?P<kw>" + "|".join(_LATE_KEYWORDS) + r")\s*(?:เลข(?:รับ)?(?:ที่)?\s*)?"
    r"\d{1,7}(?:\s*/\s*\d{2,4})?(?![\d./])"
)


# A message that is only a greeting or a thank-you (with particles and emoji): not a command, but
# officers write them all day, and "not understood" is the wrong answer to "สวัสดีค่ะ".
_NOT_WORDS = re.compile(r"[^0-9A-Za-z\u0e01-\u0e4e]+")
_SMALL_TALK = re.compile(
    r"(?:(?P<greeting>สวัสดี|หวัดดี|อรุณสวัสดิ์|hello|hi|hey|good ?morning)"
    r"|(?P<thanks>ขอบพระคุณ|ขอบคุณ|ขอบใจ|thanks|thank ?you|thx))"
    r"(?:ตอนเช้า|ตอนบ่าย|ยามเช้า|ทุกคน|ทุกท่าน|มากๆ|มาก|ๆ|อีกครั้ง|ด้วย|นะ|ครับผม|ครับ|ค่ะ|คะ|ค่า|คับ|จ้า|จ้ะ|งับ|ka|krub| )*",
    re.IGNORECASE)


def small_talk(text: str) -> str | None:
    """"greeting" or "thanks" when that is all the message says, else None."""
    words = _NOT_WORDS.sub(" ", text).strip()
    m = _SMALL_TALK.fullmatch(words)
    if m is None:
        return None
    return "greeting" if m.group("greeting") else "thanks"


@dataclass(frozen=True, slots=True)
class Command:
    intent: str
    start: int  # keyword span
    end: int
    confidence: float
    number_first: tuple[int, int] | None = None  # "12 รับทราบ": where the number was


def detect_command(text: str) -> Command | None:
    """The command keyword at the start of normalised *text*, if any."""
    m = _COMMAND_RE.match(text)
    if m is not None:
        intent, glue = _BY_KEYWORD[m.group("kw").lower()]
        after = text[m.end() : m.end() + 1]
        if glue or not after or not ("\u0e01" <= after <= "\u0e4e" or after.isalpha()):
            return Command(intent, m.start("kw"), m.end(), 0.95)
    m = _NUMBER_FIRST_RE.match(text)
    if m is not None:
        intent, _ = _BY_KEYWORD[m.group("kw").lower()]
        if intent in _NUMBER_FIRST_INTENTS:
            return Command(intent, m.start("kw"), m.end(), 0.85, number_first=m.span("num"))
    m = _LATE_COMMAND_RE.search(text, 0, 80) if len(text) <= 80 and "\n" not in text else None
    if (
        m is not None
        and not any(ch.isdigit() for ch in text[: m.start()])
        and "เรื่อง" not in text[: m.start()]
        and _LETTERISH.search(text) is None  # a header that mentions ยกเลิก / ส่งต่อ is not a command
    ):
        # "ดำเนินการเสร็จแล้ว ปิดเรื่อง 15": the command after a few words, with its number
        intent, _ = _BY_KEYWORD[m.group("kw").lower()]
        return Command(intent, m.start("kw"), m.end("kw"), 0.75)
    m = _SEND_RE.match(text)
    if m is not None:
        start = text.index("ส่ง")
        return Command("forward", start, start + 3, 0.85)
    if _STATUS_SUFFIX_RE.match(text):
        return Command("status", 0, 0, 0.7)
    if len(text) <= 80 and "\n" not in text and _LETTERISH.search(text) is None:
        return _phrased(text) or _misspelt(text)
    return None


# --- commands as people phrase them -----------------------------------------------------------
# Statements and questions that mean a command ("งานเลข 58 จบแล้วครับ", "วันนี้มีอะไรต้องทำบ้างคะ").
# Those that would write (close, return) come with a lower confidence: the handlers ask before
# acting on them (STATEMENT_CONFIDENCE), while a typed command word acts.
STATEMENT_CONFIDENCE = 0.7
_NUM = r"(?:เลข(?:รับ)?(?:ที่)?\s*)?(?P<num>\d{1,7}(?:\s*/\s*\d{2,4})?)(?![\d./])"
_CLOSE_STATEMENT = re.compile(
    r"\s*(?:งาน|เรื่อง|หนังสือ)?\s*" + _NUM + r"(?:(?!ไม่|ยัง|ยาก|จะ)[^\d\n]){0,14}?"  # "ผมทำ", never "ยังไม่"
    r"(?:จบ|เสร็จ|ปิด|ดำเนินการเสร็จ|ทำเสร็จ|เรียบร้อย)(?:แล้ว|เรียบร้อย|ได้)?"
)
_REJECT_STATEMENT = re.compile(
    r"\s*(?:งาน|เรื่อง|หนังสือ)?\s*" + _NUM + r"[^\d\n]{0,30}?"
    r"(?:ผิดกอง|ผิดคน|ผิดหน่วย|ผิดฝ่าย|ส่งผิด|ไม่ใช่งาน|ไม่เกี่ยวกับ|ขอคืน|ขอส่งคืน|คืนเรื่อง)"
)
_MY_TASKS_QUESTION = re.compile(
    r"มีอะไร(?:ต้อง|ให้|ที่ต้อง)?(?:ทำ|รับทราบ|ค้าง)|มีงาน(?:อะไร|ไหม|มั้ย|ค้าง|เข้า|ใหม่)|ต้องทำอะไร"
    r"|มี(?:หนังสือ|เรื่อง)(?:อะไร)?(?:ถึง|มาถึง|ส่งถึง)(?:ฉัน|ผม|หนู|เรา|ดิฉัน)|งานวันนี้|มีอะไรมาใหม่"
    r"|มี(?:หนังสือ|เรื่อง)(?:อะไร)?(?:ค้าง|รอ)"
)
_SEARCH_QUESTION = re.compile(
    r"\s*(?:ขอ|ช่วย|รบกวน)?\s*(?:ดู|หา|ค้น|เปิด|มี)\s*(?:หนังสือ|เอกสาร)\s*(?:เรื่อง|เกี่ยวกับ|ที่เกี่ยวกับ)\s*(?=\S)"
)
_STATUS_QUESTION = re.compile(
    r"\s*(?:งาน|เรื่อง|หนังสือ)?\s*" + _NUM + r"\s*(?:นี้)?\s*"
    r"(?:เป็นยังไง|เป็นไง|ไปถึงไหน|ถึงไหน|อยู่กับใคร|อยู่ไหน|ใครรับ|รับทราบหรือยัง|ส่งหรือยัง|คืบหน้า)"
)


def _phrased(text: str) -> Command | None:
    m = _CLOSE_STATEMENT.match(text)
    if m is not None:
        return Command("close", m.start(), m.start(), STATEMENT_CONFIDENCE, number_first=m.span("num"))
    m = _REJECT_STATEMENT.match(text)
    if m is not None:
        return Command("reject", m.start(), m.start(), STATEMENT_CONFIDENCE, number_first=m.span("num"))
    m = _STATUS_QUESTION.match(text)
    if m is not None:
        return Command("status", m.start(), m.start(), 0.8, number_first=m.span("num"))
    m = _SEARCH_QUESTION.match(text)
    if m is not None:
        return Command("search", m.start(), m.end(), 0.8)
    if not any(ch.isdigit() for ch in text) and _MY_TASKS_QUESTION.search(text):
        return Command("my_tasks", 0, 0, 0.8)
    return None


# One-edit typos of the command words ("รับทรบ 12", "ปิดเรือง 15", "ส่งต้อ 15 ให้ …"). Only words
# of five letters or more, never the registration words (a header never starts with a typo'd
# command), and a number must follow for the commands that take one: "สถานีตำรวจ…" is not a
# misspelt สถานะ.
_TYPO_INTENTS = {"acknowledge", "reject", "close", "status", "forward", "my_tasks", "help", "cancel", "search",
                 "training"}
_NUMBER_INTENTS = {"acknowledge", "reject", "close", "status", "forward", "cancel"}
_TYPO_WORDS = sorted(
    {(kw.lower(), intent) for intent, kw, _ in _KEYWORDS if intent in _TYPO_INTENTS and len(kw) >= 5},
    key=lambda w: -len(w[0]),
)
_TYPO_LEAD = re.compile(r"\s*(?:[^\w\s]+\s*)?/?(?:(?:ช่วย|กรุณา|รบกวน|ขอ)\s*)?(?P<run>[ก-๎A-Za-z]{4,})")
_TYPO_BARE = re.compile(r"\s*(?:[^\w\s]+\s*)?/?(?P<run>[ก-๎A-Za-z]{4,})")
_AFTER_TYPO = re.compile(r"\s*(?:เลข(?:รับ)?(?:ที่)?\s*)?\d")


def _misspelt(text: str) -> Command | None:
    for lead in (_TYPO_LEAD, _TYPO_BARE):  # "ช่วยเหลอ" is ช่วยเหลือ, not ช่วย + "เหลอ"
        m = lead.match(text)
        found = _typo_at(text, m.group("run").lower(), m.start("run")) if m is not None else None
        if found is not None:
            return found
    return None


def _typo_at(text: str, run: str, start: int) -> Command | None:
    from rapidfuzz.distance import Levenshtein

    for kw, intent in _TYPO_WORDS:
        for size in (len(kw) - 1, len(kw) + 1, len(kw)):
            if size > len(run):
                continue
            if Levenshtein.distance(run[:size], kw, score_cutoff=1) != 1:
                continue
            end = start + size
            rest = text[end:]
            if intent in _NUMBER_INTENTS and not _AFTER_TYPO.match(rest):
                continue
            if intent not in _NUMBER_INTENTS and intent != "search" and _NOT_WORDS.sub("", _strip_particles(rest)):
                continue
            if intent == "search" and not rest[:1].isspace():
                continue  # "ค้นหนังสือ…" is not ค้นห(า) + "นังสือ"
            return Command(intent, start, end, 0.8)
    return None


_PARTICLES = re.compile(r"(?:ครับผม|ครับ|ค่ะ|คะ|ค่า|คับ|จ้า|จ้ะ|หน่อย|ด้วย|นะ|ที)")


def _strip_particles(text: str) -> str:
    return _PARTICLES.sub("", text)


# --- arguments ------------------------------------------------------------------------------

NUMBER_RE = re.compile(
    r"(?:เลข(?:ทะเบียน)?(?:รับ|ส่ง)?(?:ที่)?\s*|#\s*|no\.?\s*)?"
    r"(?<![\d/.])(?P<n>\d{1,7})(?:\s*/\s*(?P<y>\d{4}|\d{2}))?(?![\d.]|/\d)",
    re.IGNORECASE,
)
# "ส่งต่อให้สมชาย": the mark glued to the command word.
_RECIPIENT_MARK_AT = re.compile(r"\s*(?:ให้แก่|ให้กับ|ให้|ไปยัง|ไปที่|ถึง|แก่)\s*")
_RECIPIENT_MARK = re.compile(r"(?<![ก-๎])(?:ให้แก่|ให้กับ|ให้|ไปยัง|ไปที่|ถึง|แก่)\s*")
PURPOSES = PURPOSE_WORDS  # ทราบ -> "inform" …: the register's own codes (nlp/purposes.py)
# เพื่อ may be glued to the name before it ("ให้พี่ธนาเพื่อทราบ"): no word starts with it in a name.
_PURPOSE_RE = re.compile(r"เพื่อ\s*(?:โปรด\s*)?(?P<p>ทราบ|พิจารณา|ดำเนินการ|ลงนาม)")
_PURPOSE_AT_END = re.compile(r"(?<=[ก-๎ ])(?P<p>ทราบ|พิจารณา|ดำเนินการ|ลงนาม)(?:\s*(?:ครับ|ค่ะ|คะ|ด้วย|นะ))*\s*$")
# Particles that end a polite request: the strong ones also when glued to the word before
# ("น้ำท่วมครับ"); the weak ones only after a space, since words end in them too (ฐานะ, นาที).
_POLITE_STRONG = (
    "ด้วยนะครับ", "ด้วยนะคะ", "ด้วยครับ", "ด้วยค่ะ", "ด้วยจ้า", "หน่อยครับ", "หน่อยค่ะ",
    "ครับผม", "นะครับ", "นะคะ", "ครับ", "ค่ะ", "คะ", "จ้า", "จ้ะ", "หน่อย", ".", "!", "?",
)  # fmt: skip
_POLITE_WEAK = ("ด้วย", "นะ", "ที")
_QUERY_FILLER = re.compile(r"(?:\s*(?:หนังสือ|เรื่อง|คำว่า))+\s*(?=\S)")
_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{3,39}")
_SAMPLE_RE = re.compile(
    r"(?:จำนวน\s*)?(?<![\d./])(?P<n>\d{1,5})(?![\d./])\s*(?:เรื่อง|รายการ|ราย|ฉบับ|ตัวอย่าง|ชุด|รายการ)?"
)
_UNIT_LEAD = re.compile(r"(?:จาก|ของ|ใน|หน่วยงาน|หน่วย)\s*(?=[ก-๎])")
_PERIOD_WORDS = re.compile(r"\s(?:ปี|ประจำปี|ช่วง|ระหว่าง|เดือน|ตั้งแต่|ไตรมาส)")


_ABBREVIATION_END = re.compile(r"(?:^|[\s(])[ก-ฮ.]{1,8}\.$")


def strip_polite(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim spaces and trailing ครับ/ค่ะ/นะ… from ``text[start:end]`` (never the whole of it)."""
    while True:
        while end > start and text[end - 1] in " \t\n:,-":
            end -= 1
        for word in _POLITE_STRONG + _POLITE_WEAK:
            at = end - len(word)
            if word == "." and _ABBREVIATION_END.search(text, start, end):
                continue  # "ปภ." / "สป.มท.": the dot belongs to an abbreviation
            if at > start and text.startswith(word, at) and (word in _POLITE_STRONG or text[at - 1].isspace()):
                end = at
                break
        else:
            break
    while start < end and text[start] in " \t\n:,-":
        start += 1
    return start, end


def find_number(text: str, start: int, end: int | None = None) -> tuple[str, int, int] | None:
    """A registration number "15" or "15/2569" (year always พ.ศ., four digits)."""
    m = NUMBER_RE.search(text, start, len(text) if end is None else end)
    if m is None:
        return None
    number = str(int(m.group("n")))
    if m.group("y"):
        y = int(m.group("y"))
        if len(m.group("y")) == 2:
            y += 2500
        elif y <= 2400:
            y += 543
        number = f"{number}/{y}"
    return number, m.start(), m.end()


def forward_args(text: str, start: int) -> dict[str, tuple[object, int, int, float]]:
    """``ส่งต่อ 12 ให้ กองคลัง เพื่อดำเนินการ``: number, recipient, purpose."""
    args: dict[str, tuple[object, int, int, float]] = {}
    end = len(text)
    purpose = _PURPOSE_RE.search(text, start)
    if purpose is None:  # "ให้กองคลังดำเนินการ": the purpose glued to the end, without เพื่อ
        purpose = _PURPOSE_AT_END.search(text, start)
    if purpose is not None:
        args["purpose"] = (PURPOSES[purpose.group("p")], purpose.start(), purpose.end(), 0.9)
        end = purpose.start()
    mark = _RECIPIENT_MARK_AT.match(text, start, end) or _RECIPIENT_MARK.search(text, start, end)
    if mark is not None:
        number = find_number(text, start, mark.start()) or find_number(text, mark.end(), end)
        rs, re_, confidence = mark.end(), end, 0.9
    else:
        number = find_number(text, start, end)
        rs, re_, confidence = (number[2] if number else start), end, 0.6
    if number is not None:
        args["number"] = (number[0], number[1], number[2], 0.95)
        if rs <= number[1] < re_:
            re_ = number[1]  # "ส่งต่อ ให้ กองคลัง เลขรับ 12": the number is not part of the name
    rs, re_ = strip_polite(text, rs, re_)
    if re_ > rs:
        rs += honorific_length(text, rs, re_)  # พี่ธนา / ผอ.ประเสริฐ: the name, not the address
        args["recipient"] = (None, rs, re_, confidence)
    return args


def number_args(text: str, start: int, number_first: tuple[int, int] | None = None) -> dict:
    args: dict[str, tuple[object, int, int, float]] = {}
    number = find_number(text, *number_first) if number_first else find_number(text, start)
    if number is not None:
        args["number"] = (number[0], number[1], number[2], 0.95)
    return args


_QUESTION_END = re.compile(r"(?:\s*(?:ไหม|มั้ย|มั๊ย|บ้าง|หรือเปล่า|หรือยัง|หน่อย|ด้วย|ครับผม|ครับ|ค่ะ|คะ|นะ|[?]))+\s*$")


def search_args(text: str, start: int) -> dict:
    s, e = strip_polite(text, start, len(text))
    q = _QUESTION_END.search(text, s, e)
    if q is not None and q.start() > s:  # "มีหนังสือเรื่องประชุมไหมคะ": the question is not the query
        e = q.start()
    filler = _QUERY_FILLER.match(text, s, e)
    if filler is not None:
        s = filler.end()
    return {"query": (None, s, e, 0.9)} if e > s else {}


def link_args(text: str, start: int) -> dict:
    m = _CODE_RE.search(text, start)
    return {"code": (m.group(), m.start(), m.end(), 0.95)} if m else {}


def audit_args(text: str, start: int) -> dict:
    """``สุ่มตรวจ กองกลาง 20`` / ``สุ่มตรวจ 20 เรื่อง กองกลาง``: unit and sample size."""
    args: dict[str, tuple[object, int, int, float]] = {}
    end = len(text)
    sample = None
    for m in _SAMPLE_RE.finditer(text, start, end):
        n = int(m.group("n"))
        if n >= 1900 and not m.group().startswith("จำนวน"):
            continue  # a year (ปี 2569), not a sample size
        sample = m
        if m.group().startswith("จำนวน") or m.group().rstrip() != m.group("n"):
            break  # "จำนวน 20" / "20 เรื่อง" is unmistakable
    if sample is not None:
        args["sample_size"] = (int(sample.group("n")), sample.start("n"), sample.end("n"), 0.95)
    # The unit is the longest stretch of words around the sample size, before any period words.
    pieces = [(start, sample.start()), (sample.end(), end)] if sample else [(start, end)]
    best = None
    for a, b in pieces:
        period = _PERIOD_WORDS.search(text, a, b)
        if period is not None:
            b = period.start()
        a, b = strip_polite(text, a, b)
        lead = _UNIT_LEAD.match(text, a, b)
        if lead is not None and lead.end() < b:
            a = lead.end()
        if b > a and (best is None or b - a > best[1] - best[0]):
            best = (a, b)
    if best is not None:
        args["unit"] = (None, best[0], best[1], 0.85)
    return args
