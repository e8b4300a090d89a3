"""Replies read against the open conversation: what a short message means *here*.

Officers answer the bot as they answer a colleague: they type the word on the button
(``ยืนยัน``), a sentence with the name in it while the recipient picker is open
(``ฝากส่งน้องวิภาวดีด้วยนะคะ``), ``ได้รับแล้วครับผม`` to a letter waiting for them, ``ได้แล้วค่ะ
เลขที่ 41``. :func:`understand` reads such a message against what is open and says what it
means; the parser's intent is used only when the reply reading has nothing to say. The
handlers act on the answer; the corpus ``tests/nlp/data/casual.jsonl`` checks it.

What is open (``open``):

* ``"confirm"`` — a registration's confirmation card ([ยืนยัน] [แก้ไข] [ยกเลิก]);
* ``"field"`` — a registration draft asking one field (the answer is its value);
* ``"picker"`` — the recipient picker of a forward (a name, or a purpose once chosen);
* ``"reason"`` — the reason of a return (ไม่ใช่งานของฉัน) is asked;
* ``"subject"`` — an outgoing number waits for its subject;
* ``"letter"`` — a letter was just registered or forwarded in this chat;
* ``None`` — nothing.

A registration needs a header (:func:`header_evidence`): a short reply, a statement about an
existing number or a sentence without header evidence never opens a confirmation card.

Hand-written word lists: the replies are a few dozen fixed words with particles; a tokenizer
would add cost and split them no better.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.names import name_in_sentence
from nlp.purposes import PURPOSE_WORDS

OPEN = ("confirm", "field", "picker", "reason", "subject", "letter")

# Particles and fillers that do not change what a short reply means.
_PARTICLES = re.compile(
    r"ครับผม|ครับ|คับ|ค่ะ|คะ|ค่า|จ้า|จ้ะ|จ๊ะ|นะคะ|นะครับ|นะ|เลย|ด้วย|แล้ว|เรียบร้อย|จ้ะ|งับ|ค้าบ"
)
_POLITE = re.compile(r"ครับผม|ครับ|คับ|ค่ะ|คะ|ค่า|จ้า|จ้ะ|จ๊ะ|นะคะ|นะครับ|นะ|งับ|ค้าบ")
_NOISE = re.compile(r"[\s.,!?~ๆ\"'“”()\[\]:;\-–—_/\\]+|[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]+")

YES_WORDS = frozenset({
    "ยืนยัน", "ตกลง", "ใช่", "ถูกต้อง", "ถูก", "โอเค", "ok", "okay", "ok.", "confirm", "yes", "y", "เอา", "ลงรับ",
    "ลงได้", "ลงรับได้", "ได้", "ออกเลข", "ใช่ถูกต้อง", "ถูกต้องยืนยัน", "ยืนยันลงรับ", "บันทึก", "👍",
})  # fmt: skip
NO_WORDS = frozenset({
    "ไม่", "ไม่ใช่", "ไม่ถูก", "ไม่ถูกต้อง", "ผิด", "ผิดค่ะ", "no", "ไม่ใช่นะ", "ยังไม่ถูก", "ยังไม่ใช่", "มีผิด",
})  # fmt: skip
ACK_WORDS = frozenset({
    "รับทราบ", "ทราบ", "ได้รับ", "รับ", "ได้", "รับหนังสือ", "รับเรื่อง", "ได้รับเรื่อง", "ได้รับหนังสือ", "ทราบครับ",
    "รับทราบเรื่อง", "ok", "โอเค", "okay", "ack", "ได้รับทราบ",
})  # fmt: skip
# An acknowledgement only when said with "แล้ว" or a number: "ได้" alone is yes, "ได้แล้ว" is "got it".
_ACK_NEEDS_DONE = frozenset({"ได้", "รับ", "ok", "โอเค", "okay"})
_YES_EMOJI = frozenset({"👍", "👌", "🙆", "✅", "👍🏻", "👍🏼", "👍🏽"})
# Typed instead of pressing a button: one-edit typos of these are read as the word (ยืนยน, ยินยัน).
_TYPO_YES = ("ยืนยัน", "ถูกต้อง")

_FIELD_WORDS = {
    "เรื่อง": "subject", "ชื่อเรื่อง": "subject", "จาก": "sender", "ผู้ส่ง": "sender", "ที่": "ref_no",
    "เลขที่หนังสือ": "ref_no", "เลขหนังสือ": "ref_no", "ลงวันที่": "letter_date", "วันที่": "letter_date",
    "ถึง": "addressee", "เรียน": "addressee", "ชั้นความเร็ว": "priority", "ความเร็ว": "priority",
    "ชั้นความลับ": "secrecy", "ความลับ": "secrecy",
}  # fmt: skip
_EDIT = re.compile(
    r"^\s*(?:ขอ|ช่วย)?\s*แก้(?:ไข)?\s*(?:ช่อง)?\s*(?P<field>"
    + "|".join(sorted(map(re.escape, _FIELD_WORDS), key=len, reverse=True))
    + r")?\s*(?:(?:ให้)?เป็น|=|:|ว่า)?\s*(?P<value>.*?)\s*(?:ครับผม|ครับ|ค่ะ|คะ|นะคะ|นะครับ|ด้วย|หน่อย|นะ)*\s*$",
    re.DOTALL,
)
_REPLY_NUMBER = re.compile(
    r"(?:(?:เลข(?:รับ)?(?:ที่)?|#|no\.?)\s*(?P<a>\d{1,7}(?:\s*/\s*\d{2,4})?)(?![\d./]))"
    r"|(?:^\s*(?P<b>\d{1,7}(?:\s*/\s*\d{2,4})?)(?![\d./])(?!\s*(?:ส่ง|ให้)))",
    re.IGNORECASE,
)
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_PURPOSE_REPLY = re.compile(r"^\s*(?:เพื่อ)?\s*(?:โปรด)?\s*(?P<p>" + "|".join(PURPOSE_WORDS) + r")\s*$")
# A forward asked for in the words of a request, with no number: "ฝากส่งน้องวิภาวดีด้วยนะคะ".
_SEND_REQUEST = re.compile(
    r"^\s*(?:รบกวน|ช่วย|กรุณา|ขอ)?\s*(?:ฝาก\s*(?:ส่งต่อ|ส่งเรื่อง|ส่ง|มอบ(?:หมาย)?|เสนอ)?|ส่งต่อ|ส่งเรื่อง|ส่ง|มอบ(?:หมาย)?|เสนอ)\s*(?:ไป)?\s*"
    r"(?:ให้แก่|ให้กับ|ให้|ถึง|แก่)?\s*(?=\S)"
)
_PURPOSE_IN = re.compile(r"เพื่อ\s*(?:โปรด\s*)?(?P<p>" + "|".join(PURPOSE_WORDS) + r")")


@dataclass(frozen=True, slots=True)
class Reading:
    """What a short reply is on its own: ``yes`` / ``no`` / ``edit`` / ``ack`` / ``number`` /
    ``purpose`` / ``none``, with the number, field, value or purpose it carries."""

    kind: str
    number: str | None = None
    field: str | None = None
    value: str | None = None
    purpose: str | None = None


@dataclass(frozen=True, slots=True)
class Understanding:
    """What a message means in the open conversation.

    ``action``: ``confirm`` · ``edit`` (``field``/``value`` when said) · ``not_right`` (a no to
    the card: offer edit or cancel) · ``answer`` (a value for the asked field, the reason or the
    subject) · ``pick`` (``name``) · ``purpose`` (``purpose``) · ``forward_letter`` (``name``,
    ``purpose``: the letter just handled) · ``ack`` (``number`` when said) · ``number`` (a bare
    register number: what about it is asked) · ``no_card`` (a yes
    with nothing to confirm) · ``not_a_header`` (a registration without header evidence) · or a
    parser intent (``intent``), whose fields the caller reads from the parse result."""

    action: str
    number: str | None = None
    name: str | None = None
    field: str | None = None
    value: str | None = None
    purpose: str | None = None


def _number(raw: str) -> str:
    n = raw.translate(_THAI_DIGITS).replace(" ", "")
    if "/" in n:
        num, year = n.split("/", 1)
        y = int(year)
        y = y + 2500 if y < 100 else (y + 543 if y <= 2400 else y)
        return f"{int(num)}/{y}"
    return str(int(n))


def _squeeze(text: str) -> str:
    """The words of a short reply with particles, spaces, punctuation and emoji removed."""
    t = _NOISE.sub("", text.lower())
    prev = None
    while prev != t:
        prev = t
        t = _PARTICLES.sub("", t) if len(_PARTICLES.sub("", t)) else t
    return t


def read_reply(text: str) -> Reading:
    """The reply on its own (no context): cheap, for short messages only."""
    if len(text) > 120 or "\n" in text.strip():
        return Reading("none")
    t = text.translate(_THAI_DIGITS)
    edit = _EDIT.match(t)
    if edit is not None and (edit.group("field") or not edit.group("value")):
        field = _FIELD_WORDS.get(edit.group("field") or "")
        return Reading("edit", field=field, value=(edit.group("value") or None) if field else None)
    purpose = _PURPOSE_REPLY.match(_strip_end(t))
    if purpose is not None and t.strip().startswith("เพื่อ"):
        return Reading("purpose", purpose=PURPOSE_WORDS[purpose.group("p")])
    number = None
    m = _REPLY_NUMBER.search(t)
    rest = t
    if m is not None:
        number = _number(m.group("a") or m.group("b"))
        rest = t[: m.start()] + " " + t[m.end():]
    said_done = "แล้ว" in rest or "เรียบร้อย" in rest
    words = _squeeze(rest)
    if number is not None and not _POLITE.sub("", _NOISE.sub("", rest.lower())):  # "เลขที่ 41 ค่ะ"
        return Reading("number", number=number)
    if number is None and text.strip() in _YES_EMOJI:
        return Reading("yes")
    if words in ACK_WORDS and (words not in _ACK_NEEDS_DONE or said_done or number is not None):
        return Reading("ack", number=number)
    if number is None:
        if words in YES_WORDS or _made_of(words, YES_WORDS):  # "ถูกต้องค่ะ ลงรับได้เลย"
            return Reading("yes")
        if words in NO_WORDS:
            return Reading("no")
        if 5 <= len(words) <= 8:
            from rapidfuzz.distance import Levenshtein

            if any(Levenshtein.distance(words, w, score_cutoff=1) <= 1 for w in _TYPO_YES):
                return Reading("yes")
    return Reading("none")


def _made_of(words: str, vocabulary: frozenset[str]) -> bool:
    """Whether *words* is a run of words of *vocabulary* written together (ถูกต้อง + ลงรับ)."""
    if not words or len(words) > 40:
        return False
    can = [True] + [False] * len(words)  # can[i]: words[:i] splits into vocabulary words
    for i in range(1, len(words) + 1):
        can[i] = any(can[j] and words[j:i] in vocabulary for j in range(max(0, i - 12), i))
    return can[-1]


def _strip_end(text: str) -> str:
    return re.sub(r"(?:\s*(?:ครับผม|ครับ|ค่ะ|คะ|นะ|ด้วย|เลย))+\s*$", "", text)


def understand(text: str, *, open: str | None = None, parsed=None, today=None) -> Understanding:
    """What *text* means with *open* in progress (see the module docstring). *parsed* is the
    message's :class:`nlp.result.ParseResult` when the caller has it already."""
    if parsed is None:
        from nlp.parse import parse_message

        parsed = parse_message(text, today=today)
    intent = parsed.intent
    reading = read_reply(text)
    if open == "confirm":
        if reading.kind == "yes":
            return Understanding("confirm")
        if reading.kind == "edit":
            return Understanding("edit", field=reading.field, value=reading.value)
        if reading.kind == "no":
            return Understanding("not_right")
    elif open == "field":
        if reading.kind == "edit":
            return Understanding("edit", field=reading.field, value=reading.value)
        if intent in ("unknown", "register_incoming") and not _is_new_letter(text, parsed):
            return Understanding("answer", value=text.strip())
    elif open == "picker":
        if reading.kind == "purpose":
            return Understanding("purpose", purpose=reading.purpose)
        if reading.kind == "none" and intent == "unknown" or (intent == "forward" and parsed.value("number") is None):
            name = str(parsed.value("recipient")) if intent == "forward" and parsed.value("recipient") else None
            name = name_in_sentence(name or _PURPOSE_IN.sub("", text))
            if name:
                return Understanding("pick", name=name, purpose=_purpose(parsed, text))
    elif open == "reason":
        if intent == "unknown" or (intent == "reject" and parsed.value("number") is None):
            return Understanding("answer", value=text.strip())
    elif open == "subject":
        if intent in ("unknown", "register_incoming") and not _is_new_letter(text, parsed):
            return Understanding("answer", value=text.strip())
    elif open == "letter":
        if intent == "forward" and parsed.value("number") is None and parsed.value("recipient"):
            name = name_in_sentence(str(parsed.value("recipient")))
            if name:
                return Understanding("forward_letter", name=name, purpose=_purpose(parsed, text))
        if intent == "unknown" and _SEND_REQUEST.match(text):
            name = name_in_sentence(_PURPOSE_IN.sub("", text))
            if name:
                return Understanding("forward_letter", name=name, purpose=_purpose(parsed, text))
    if reading.kind == "ack":
        return Understanding("ack", number=reading.number)
    if reading.kind == "number" and open in (None, "letter"):
        return Understanding("number", number=reading.number)  # a bare number: asked, not acted on
    if intent == "acknowledge":  # "รับทราบ 12" typed as a command: the same as an acknowledgement
        return Understanding("ack", number=str(parsed.value("number")) if parsed.value("number") else None)
    if reading.kind == "yes" and intent == "unknown":
        return Understanding("no_card")
    if intent == "register_incoming" and not header_evidence(text, parsed):
        return Understanding("not_a_header")
    return Understanding(intent, number=str(parsed.value("number")) if parsed.value("number") else None)


def _purpose(parsed, text: str) -> str | None:
    p = parsed.value("purpose")
    if p:
        return str(p)
    m = _PURPOSE_IN.search(text)
    return PURPOSE_WORDS[m.group("p")] if m else None


# --- a registration needs a header ------------------------------------------------------------
# The evidence rule: a registration card opens only for
#   (a) a registration command word at the start ("ลงรับ …", "รับหนังสือ …") — said on purpose; or
#   (b) a reference number with letters in it as well as digits ("มท 0808.2/ว 1095", "ว2383",
#       "รย 52210-17133") — a bare "41" (เลขที่ 41 in a reply) is not one; or
#   (c) two different header labels (ที่ / ลงวันที่ / ลว. / จาก / เรื่อง / เรียน / อ้างถึง) each
#       beginning a line or following a space.
# A short reply, a statement about a number or a sentence with "เรื่อง" in it has none of these.
_CODE_REF = re.compile(r"^(?=.*[A-Za-zก-ฮ])(?=(?:.*\d){2})")
_LABEL = re.compile(r"(?:^|(?<=[\s:]))(?P<l>ลงวันที่|ลว\.|จาก|เรื่อง|เรียน|อ้างถึง|ที่)\s*[:：]?\s*(?=\S)", re.MULTILINE)
_LABEL_KEY = {"ลว.": "ลงวันที่"}


def header_evidence(text: str, parsed) -> bool:
    if parsed.intent != "register_incoming":
        return False
    if parsed.intent_confidence >= 0.95:  # (a) a registration command word led the message
        return True
    ref = parsed.value("ref_no")
    if ref and _CODE_REF.search(str(ref).translate(_THAI_DIGITS)):  # (b)
        return True
    labels = {_LABEL_KEY.get(m.group("l"), m.group("l")) for m in _LABEL.finditer(text)}
    return len(labels) >= 2  # (c)


def _is_new_letter(text: str, parsed) -> bool:
    """A pasted header (several letter fields) starts a new registration even mid-conversation."""
    if parsed.intent != "register_incoming" or not header_evidence(text, parsed):
        return False
    found = sum(parsed.value(n) is not None for n in ("ref_no", "letter_date", "sender", "subject"))
    return found >= 2
