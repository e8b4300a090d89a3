"""Write tests/nlp/data/variants.jsonl: the dev headers rephrased the way officers paste and type them.

    .venv/bin/python -m tests.nlp.make_variants [--seed 2569] [--per-letter 43] [--out FILE]

Deterministic for a seed. Each letter of shared/data/parse-dev.jsonl (its real reference number,
date, sender and subject) is rendered through 12 templates — labelled one line or many (with
bullets, wrapped subjects), web-list pastes, subject first with ``(ที่ … ลว. …)``, fully unlabelled
pastes, telegraphic typing, a request typed as one sentence, the letter's own layout copied from a PDF, register-table rows,
web-form fields, subject-then-labels — with every date format and reference-number shape of
SARABAN.md, priority/secrecy words in different places, command words before or a request after,
chatter, zero-width characters and full-width forms. The expected fields are derived from how the
text was built, never from the parser; where a rendering makes a field truly ambiguous (an addressee
cell beside the sender cell) that field is left out of ``expect``. Command phrasings of the other
SPEC F2 intents are appended, with their arguments.

Another seed gives a fresh sample of the same templates (``--seed 7 --out /tmp/v.jsonl``, then
``python -m tests.nlp.scoring /tmp/v.jsonl``): a quick check that a fix did not only fit this file.

Nothing here depends on today's date: no relative dates and no dates without a year.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEV_SET = HERE.parents[1].parent / "shared" / "data" / "parse-dev.jsonl"
OUT = HERE / "data" / "variants.jsonl"

MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
FULL = {c: chr(ord(c) + 0xFEE0) for c in "0123456789/:.()-"}
ZW = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")

PRIORITY = {"most_urgent": "ด่วนที่สุด", "very_urgent": "ด่วนมาก", "urgent": "ด่วน"}
SECRECY = {"top_secret": "ลับที่สุด", "secret": "ลับมาก", "confidential": "ลับ"}
COMMANDS = (
    "รับหนังสือ", "ลงรับ", "ลงทะเบียนรับ", "รับเรื่อง", "บันทึกรับ", "ลงรับหนังสือ", "ลงทะเบียนรับหนังสือ",
    "รับหนังสือใหม่", "รบกวนลงรับหนังสือครับ", "ช่วยลงรับให้หน่อยค่ะ", "ลงรับ:", "📩 รับหนังสือ",
)  # fmt: skip
TAILS = (
    "ครับ", "ค่ะ", "นะคะ", "ครับผม", "🙏", "👍", "ขอบคุณครับ", "ค่ะ 🙏", "จ้า", "ครับ 🙏🙏", "ลงรับด้วยครับ",
    "ช่วยลงรับให้ด้วยค่ะ", "รบกวนลงรับด้วยนะคะ 🙏",
)  # fmt: skip
ADDRESSEES = ("ผู้ว่าราชการจังหวัดระยอง", "นายอำเภอปลวกแดง", "ปลัดจังหวัดระยอง", "หัวหน้าสำนักงานจังหวัดระยอง")
ENCLOSURES = ("สำเนาหนังสือ จำนวน 1 ชุด", "แบบตอบรับ จำนวน 1 ฉบับ", "รายละเอียดโครงการ")


# --- fields ---------------------------------------------------------------------------------


def render_date(rng: random.Random, iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    be, yy = d.year + 543, f"{(d.year + 543) % 100:02d}"
    full, short = MONTHS[d.month - 1], SHORT[d.month - 1]
    nodot = short.replace(".", "")
    forms = [
        f"{d.day} {full} {be}",
        f"{d.day} {short} {be}",
        f"{d.day} {short} {yy}",
        f"{d.day} {nodot} {be}",
        f"{d.day} {nodot} {yy}",
        f"{d.day}{nodot}.{yy}",  # 25ตค.61
        f"{d.day}{nodot}{yy}",
        f"{d.day} {short}{be}",  # 31 พ.ค.2544
        f"{d.day}{short}{yy}",
        f"{d.day:02d}/{d.month:02d}/{be}",
        f"{d.day}/{d.month}/{be}",
        f"{d.day:02d}/{d.month:02d}/{yy}",
        f"{d.day:02d}-{d.month:02d}-{be}",
        f"{d.day:02d}.{d.month:02d}.{be}",
        d.isoformat(),  # 2024-10-05 (ค.ศ.)
        f"{d.day} {full} พ.ศ. {be}",
        f"{d.day} {short} พ.ศ.{be}",
        f"{d.day} {full} {d.year}",  # ค.ศ. written with a Thai month
    ]
    text = rng.choice(forms)
    if rng.random() < 0.3 and "-" not in text[:5]:
        text = text.translate(THAI)
    return text


_STD_REF = re.compile(r"^(?P<prefix>[ก-ฮ]{2,5}) ?(?P<code>\d[\d.]*)(?P<bracket> ?\([^)]*\))? ?/ ?(?P<circ>ว ?)?(?P<num>\d+)$")


def render_ref(rng: random.Random, ref: str, *, bare_ok: bool) -> str:
    """A shape of SARABAN.md for *ref* (the expected value is the returned text itself)."""
    m = _STD_REF.match(ref)
    shape = rng.choice(
        ["asis", "asis", "thai", "nospace", "spaces", "dot", "hyphen", "bracket", "extra", "bare", "dotcirc"]
    )
    if m is None:  # "สำนักงาน ศอ.ปส.จ.รย/ว 2428": only spacing and digits change
        shape = rng.choice(["asis", "thai", "slashspace"])
        if shape == "thai":
            return ref.translate(THAI)
        if shape == "slashspace":
            return ref.replace("/", "/ ", 1) if "/ " not in ref else ref
        return ref
    p, code, br, circ, num = m["prefix"], m["code"], m["bracket"] or "", m["circ"] or "", m["num"]
    circ = "ว " if circ else ""
    if shape == "bare" and circ and bare_ok:
        return f"ว {num}" if rng.random() < 0.5 else f"ว{num}".translate(THAI if rng.random() < 0.3 else {})
    if shape == "thai":
        return ref.translate(THAI)
    if shape == "nospace":
        return ref.replace(" ", "")
    if shape == "spaces":
        return f"{p} {code}{br} / {circ}{num}".replace("ว ", "ว  ")
    if shape == "dot":
        return f"{p}. {code}{br}/{circ.strip()}.{num}" if circ else f"{p}. {code}{br}/{num}"
    if shape == "dotcirc" and circ:
        return f"{p} {code}{br}/ว.{num}"
    if shape == "hyphen":
        return f"{p} {code}{br}-{circ}{num}"
    if shape == "bracket" and not br:
        unit = rng.choice(["(กทม.)", "(สน.บถ.)", "(กปภก)", "(ศอ.ปส.จ.รย.)"])
        return f"{p} {unit} {code}/{circ}{num}" if rng.random() < 0.5 else f"{p} {code} {unit}/{circ}{num}"
    if shape == "extra":
        return f"{p} {code}{br}/{rng.choice(['พิเศษ', 'พิเศษ', 'ศปก'])}/{circ}{num}"
    return ref


def zero_width(rng: random.Random, text: str, n: int = 3) -> str:
    chars = list(text)
    for _ in range(n):
        chars.insert(rng.randrange(len(chars) + 1), rng.choice(ZW))
    return "".join(chars)


def full_width(text: str) -> str:
    return "".join(FULL.get(c, c) for c in text)


def flags(rng: random.Random) -> tuple[str, str | None]:
    pr = rng.choice(["normal", "normal", "urgent", "very_urgent", "most_urgent"])
    se = rng.choice([None, None, None, "confidential", "secret"])
    return pr, se


def flag_words(pr: str, se: str | None) -> list[str]:
    return [w for w in (PRIORITY.get(pr), SECRECY.get(se) if se else None) if w]


def label(rng: random.Random, word: str) -> str:
    """``เรื่อง`` as typed: with a space, a colon, or glued to the value."""
    return word + rng.choice([" ", " ", " ", ": ", ":", " : ", ""])


def date_label(rng: random.Random) -> str:
    return rng.choice(["ลงวันที่ ", "ลงวันที่ ", "ลว. ", "ลว.", "ลว ", "ลงวันที่: ", "ลง ", "วันที่ "])


def ref_label(rng: random.Random) -> str:
    return rng.choice(["ที่ ", "ที่ ", "ที่ ", "ที่: ", "ที่:", "ที่", "เลขที่หนังสือ ", "เลขที่ "])


# --- letter templates -------------------------------------------------------------------------


def t_labelled_line(rng, L):
    """รับหนังสือ ด่วน ที่ … ลงวันที่ … จาก … เรื่อง … (order and label forms vary)."""
    pr, se = flags(rng)
    ref = L["ref_no"] = render_ref(rng, L["ref_no"], bare_ok=True)
    parts = [
        ref_label(rng) + ref,
        date_label(rng) + render_date(rng, L["letter_date"]),
        label(rng, "จาก") + L["sender"],
    ]
    rng.shuffle(parts)
    fw = " ".join(flag_words(pr, se))
    subject = label(rng, "เรื่อง") + L["subject"]
    where = rng.choice(["before", "before", "after", "labelled"])
    body = " ".join(parts) + " " + subject
    if fw and where == "before":
        body = fw + " " + body
    elif fw and where == "after":
        body = body + " " + (fw if rng.random() < 0.7 else f"({fw})")
    elif fw:
        lab = []
        if pr != "normal":
            lab.append(rng.choice(["ชั้นความเร็ว ", "ชั้นความเร็ว: "]) + PRIORITY[pr])
        if se:
            lab.append(rng.choice(["ชั้นความลับ ", "ชั้นความลับ: "]) + SECRECY[se])
        body = " ".join(lab) + " " + body
    cmd = rng.choice(COMMANDS)
    text = cmd + " " + body
    if rng.random() < 0.3:
        text += " " + rng.choice(TAILS)
    return text, dict(L, priority=pr, secrecy=se)


def t_labelled_lines(rng, L):
    """ลงรับ / ที่ … / ลงวันที่ … / จาก … / เรียน … / เรื่อง … / สิ่งที่ส่งมาด้วย … over lines."""
    pr, se = flags(rng)
    L["ref_no"] = render_ref(rng, L["ref_no"], bare_ok=True)
    lines = [
        ref_label(rng) + L["ref_no"],
        date_label(rng) + render_date(rng, L["letter_date"]),
        label(rng, "จาก") + L["sender"],
    ]
    rng.shuffle(lines)
    if rng.random() < 0.3:
        lines.append(label(rng, "เรียน") + rng.choice(ADDRESSEES))
    subject = L["subject"]
    if rng.random() < 0.25 and " " in subject:  # a long subject wrapped where the paste broke it
        cut = rng.choice([i for i, c in enumerate(subject) if c == " "])
        subject = subject[:cut] + "\n" + subject[cut + 1 :]
    lines.append(label(rng, "เรื่อง") + subject)
    if rng.random() < 0.25:
        lines.append(label(rng, "สิ่งที่ส่งมาด้วย") + rng.choice(ENCLOSURES))
    if pr != "normal":
        if rng.random() < 0.5:
            lines.append(rng.choice(["ชั้นความเร็ว ", "ชั้นความเร็ว: ", "ความเร่งด่วน: "]) + PRIORITY[pr])
        else:
            lines.insert(0, PRIORITY[pr])
    if se:
        if rng.random() < 0.5:
            lines.append(rng.choice(["ชั้นความลับ ", "ชั้นความลับ: "]) + SECRECY[se])
        else:
            lines.insert(0, SECRECY[se])
    if rng.random() < 0.2:  # a list typed with bullets
        bullet = rng.choice(["- ", "• ", "📌 ", "* ", "{}. "])
        lines = [bullet.format(i) + line for i, line in enumerate(lines, 1)]
    if rng.random() < 0.8:
        lines.insert(0, rng.choice(COMMANDS))
    if rng.random() < 0.2:
        lines.append(rng.choice(TAILS))
    sep = rng.choice(["\n", "\n", "\r\n", "\n\n"])
    return sep.join(lines), dict(L, priority=pr, secrecy=se)


def t_web_list(rng, L):
    """หนังสือกรมบัญชีกลาง ด่วนที่สุด ที่ กค 0402.2/ว 195 ลงวันที่ 5 ต.ค. 2567 เรื่อง …"""
    pr, se = flags(rng)
    fw = " ".join(flag_words(pr, se))
    head = rng.choice(["หนังสือ", "หนังสือ", "หนังสือ ", "หนังสือจาก", "หนังสือเวียน", "ได้รับหนังสือจาก ", "มีหนังสือมาจาก "])
    head += L["sender"]
    ref = L["ref_no"] = render_ref(rng, L["ref_no"], bare_ok=False)
    text = f"{head} {fw + ' ' if fw else ''}ที่ {ref} {rng.choice(['ลงวันที่ ', 'ลว. '])}"
    text += render_date(rng, L["letter_date"]) + " " + label(rng, "เรื่อง") + L["subject"]
    if rng.random() < 0.2:
        text += " " + rng.choice(["[ไฟล์แนบ]", "(ดาวน์โหลด)", "[PDF]"])
    if rng.random() < 0.3:
        text = rng.choice(COMMANDS) + " " + text
    return text, dict(L, priority=pr, secrecy=se)


def t_subject_first(rng, L):
    """เรื่อง … (ที่ … ลว. …), the sender on its own line or labelled."""
    pr, se = flags(rng)
    ref = L["ref_no"] = render_ref(rng, L["ref_no"], bare_ok=True)
    date = render_date(rng, L["letter_date"])
    br = rng.choice(["(ที่ {r} ลว. {d})", "(ที่ {r} ลงวันที่ {d})", "({r} ลว. {d})", "[ที่ {r} ลว.{d}]", "(ที่ {r} ลว {d})"])
    if not _STD_REF.match(L["ref_no"]) and br.startswith("({r}"):
        br = "(ที่ {r} ลว. {d})"
    bracket = br.format(r=ref, d=date)
    subj = rng.choice(["เรื่อง ", "เรื่อง", "", ""]) + L["subject"] + " " + bracket
    fw = flag_words(pr, se)
    lines = []
    style = rng.choice(["sender_line", "labelled", "web"])
    if style == "sender_line":
        lines = [L["sender"], subj]
    elif style == "web":
        lines = ["หนังสือ" + L["sender"], subj]
    else:
        lines = [subj, label(rng, "จาก") + L["sender"]]
    if fw:
        lines.insert(0, " ".join(fw))
    if rng.random() < 0.7:
        lines.insert(0, rng.choice(COMMANDS))
    expect = dict(L, priority=pr, secrecy=se)
    if style != "labelled" and not _plain_org(L["sender"]):
        expect.pop("sender")  # "สำนักงาน ศอ.ปส.จ.รย/ว 6065" unlabelled reads as a reference number
    return rng.choice(["\n", " "]).join(lines), expect


def _plain_org(sender: str) -> bool:
    return "/" not in sender


def t_unlabelled_lines(rng, L):
    """A paste without any label: sender / reference / date / subject on their own lines."""
    pr, se = flags(rng)
    ref = L["ref_no"] = render_ref(rng, L["ref_no"], bare_ok=False)
    date = render_date(rng, L["letter_date"])
    order = rng.choice([
        [L["sender"], ref, date, L["subject"]],
        [ref, date, L["sender"], L["subject"]],
        [L["sender"], f"{ref} ลว. {date}", L["subject"]],
        [f"{ref} ลงวันที่ {date}", L["sender"], L["subject"]],
        [ref, L["sender"], date, L["subject"]],
    ])  # fmt: skip
    fw = flag_words(pr, se)
    if fw:
        order.insert(0, " ".join(fw))
    if rng.random() < 0.6:
        order.insert(0, rng.choice(COMMANDS))
    expect = dict(L, priority=pr, secrecy=se)
    if not _plain_org(L["sender"]):
        expect.pop("sender")
    return "\n".join(order), expect


def t_telegraphic(rng, L):
    """รับ มท0604/ว5121 ลว.17มีค69 จาก … เรื่อง … : what a phone keyboard produces."""
    pr, se = flags(rng)
    ref = L["ref_no"] = render_ref(rng, L["ref_no"], bare_ok=True)
    date = render_date(rng, L["letter_date"])
    fw = "".join(flag_words(pr, se)) if rng.random() < 0.5 else " ".join(flag_words(pr, se))
    cmd = rng.choice(["ลงรับ", "รับหนังสือ", "ลงทะเบียนรับ", "บันทึกรับ", "รับเรื่อง"])
    glue = rng.choice(["", " "])
    text = f"{cmd}{glue}{fw + ' ' if fw else ''}{ref} {rng.choice(['ลว.', 'ลว. ', 'ลงวันที่ '])}{date} "
    text += rng.choice([
        f"{L['sender']} เรื่อง{L['subject']}", f"จาก{L['sender']} เรื่อง {L['subject']}", f"จาก {L['sender']} {L['subject']}",
    ])  # fmt: skip
    return text, dict(L, priority=pr, secrecy=se)


def t_noisy(rng, L):
    """A labelled header with zero-width characters, full-width forms and odd line breaks."""
    text, expect = (t_labelled_line if rng.random() < 0.5 else t_labelled_lines)(rng, L)
    kind = rng.choice(["zw", "full", "breaks", "nbsp"])
    if kind == "zw":
        text = zero_width(rng, text, 4)
    elif kind == "full":
        text = re.sub(r"\d+[/.:]?", lambda m: full_width(m.group()) if rng.random() < 0.5 else m.group(), text)
    elif kind == "breaks":
        text = re.sub(r" (?=(?:ที่|ลงวันที่|ลว|จาก|เรื่อง)[ :])", lambda m: rng.choice([" \n", "\n ", "\n", " "]), text)
    else:
        text = text.replace(" ", rng.choice(["\u00a0", "  ", "\t", " \u200b"]), 3)
    return text, expect


AGENCY_ADDRESS = ("ถนนอู่ทองใน เขตดุสิต กทม. ๑๐๓๐๐", "ถนนสุขุมวิท อำเภอเมือง ระยอง ๒๑๐๐๐", "ศาลากลางจังหวัดระยอง ถนนสุขุมวิท")


def t_letter_layout(rng, L):
    """Copied from the letter itself (PDF/Word): ที่ … (spaces) sender, address, date, เรื่อง, เรียน,
    อ้างถึง, สิ่งที่ส่งมาด้วย, then the first words of the body."""
    pr, se = flags(rng)
    ref = L["ref_no"] = render_ref(rng, L["ref_no"], bare_ok=False)
    gap = rng.choice(["\t\t", " " * rng.randint(8, 30), "\t"])
    lines = []
    fw = flag_words(pr, se)
    if fw:
        lines.append(" ".join(fw))
    lines.append(f"ที่ {ref}{gap}{L['sender']}")
    if rng.random() < 0.5:
        lines.append(" " * rng.randint(10, 40) + rng.choice(AGENCY_ADDRESS))
    lines.append(" " * rng.randint(10, 30) + render_date(rng, L["letter_date"]))
    lines.append(rng.choice(["เรื่อง  ", "เรื่อง "]) + L["subject"])
    lines.append(rng.choice(["เรียน  ", "เรียน "]) + rng.choice(ADDRESSEES))
    if rng.random() < 0.4:
        lines.append("อ้างถึง หนังสือจังหวัดระยอง ที่ รย 0017.2/ว 1234 ลงวันที่ 2 มกราคม 2569")
    if rng.random() < 0.5:
        lines.append("สิ่งที่ส่งมาด้วย " + rng.choice(ENCLOSURES))
    lines.append(rng.choice(["\t\tตามที่ ", "            ด้วย ", "\tตามหนังสือที่อ้างถึง "]) + "กรมได้แจ้งให้ดำเนินการ")
    if rng.random() < 0.5:
        lines.insert(0, rng.choice(COMMANDS))
    return "\n".join(lines), dict(L, priority=pr, secrecy=se)


def t_register_row(rng, L):
    """A row copied from a register table (Excel, web list): cells split by tabs or bars."""
    pr, se = flags(rng)
    ref = L["ref_no"] = render_ref(rng, L["ref_no"], bare_ok=False)
    date = render_date(rng, L["letter_date"])
    sep = rng.choice(["\t", " | ", " |", "\t\t", " / "])
    cells = rng.choice([
        [ref, date, L["sender"], L["subject"]],
        [ref, date, L["sender"], rng.choice(ADDRESSEES), L["subject"]],
        [L["sender"], ref, date, L["subject"]],
    ])  # fmt: skip
    fw = " ".join(flag_words(pr, se))
    if fw:
        cells.append(fw) if rng.random() < 0.5 else cells.insert(0, fw)
    text = sep.join(cells)
    if rng.random() < 0.6:
        text = rng.choice(COMMANDS) + rng.choice(["\n", " "]) + text
    expect = dict(L, priority=pr, secrecy=se)
    if len(cells) > 4 + bool(fw) or not _plain_org(L["sender"]):
        expect.pop("sender")  # sender and addressee side by side: either could be the sender
    return text, expect


def t_labelled_pipes(rng, L):
    """ที่: … | ลว.: … | จาก: … | เรื่อง: … — a web page's detail fields copied in one go."""
    pr, se = flags(rng)
    ref = L["ref_no"] = render_ref(rng, L["ref_no"], bare_ok=True)
    sep = rng.choice([" | ", " / ", ", ", " ; ", "  "])
    parts = [
        rng.choice(["เลขที่หนังสือ: ", "ที่: ", "เลขที่: ", "เลขหนังสือ: "]) + ref,
        rng.choice(["ลงวันที่: ", "ลว.: ", "วันที่หนังสือ: "]) + render_date(rng, L["letter_date"]),
        rng.choice(["จาก: ", "หน่วยงาน: ", "ผู้ส่ง: ", "หน่วยงานที่ส่ง: ", "ส่วนราชการ: "]) + L["sender"],
        rng.choice(["เรื่อง: ", "ชื่อเรื่อง: "]) + L["subject"],
    ]
    if rng.random() < 0.3:
        parts.append(rng.choice(["เอกสารแนบ: ", "สิ่งที่ส่งมาด้วย: "]) + rng.choice(ENCLOSURES))
    if pr != "normal":
        parts.insert(0, rng.choice(["ชั้นความเร็ว: ", "ความเร่งด่วน: ", "ระดับความเร่งด่วน: "]) + PRIORITY[pr])
    if se:
        parts.insert(0, rng.choice(["ชั้นความลับ: ", "ระดับชั้นความลับ: "]) + SECRECY[se])
    text = sep.join(parts)
    if rng.random() < 0.5:
        text = rng.choice(COMMANDS) + " " + text
    return text, dict(L, priority=pr, secrecy=se)


def t_subject_then_labels(rng, L):
    """เรื่อง first, then ที่ / ลว. / จาก; flags in brackets."""
    pr, se = flags(rng)
    ref = L["ref_no"] = render_ref(rng, L["ref_no"], bare_ok=True)
    rest = [ref_label(rng) + ref, date_label(rng) + render_date(rng, L["letter_date"]), label(rng, "จาก") + L["sender"]]
    rng.shuffle(rest)
    fw = flag_words(pr, se)
    head = rng.choice(COMMANDS) + " " if rng.random() < 0.6 else ""
    if fw:
        head += rng.choice(["[{}] ", "({}) ", "{} "]).format(" ".join(fw))
    sep = rng.choice(["\n", " "])
    text = head + label(rng, "เรื่อง") + L["subject"] + sep + sep.join(rest)
    return text, dict(L, priority=pr, secrecy=se)


def t_request_sentence(rng, L):
    """รบกวนลงรับหนังสือด่วนที่สุดจาก<sender> เลขที่ … ลงวันที่ … เรื่อง …: one typed sentence."""
    pr, se = flags(rng)
    ref = L["ref_no"] = render_ref(rng, L["ref_no"], bare_ok=False)
    fw = "".join(flag_words(pr, se))
    polite = rng.choice(["", "รบกวน", "ช่วย", "ขอ"])
    cmd = rng.choice(["ลงรับหนังสือ", "รับหนังสือ", "ลงทะเบียนรับหนังสือ"])
    of = rng.choice(["จาก", "จาก", "ของ"])
    ending = rng.choice(["", "ให้หน่อยครับ", "ให้ด้วยค่ะ", "ด้วยครับ"])
    text = f"{polite}{cmd}{fw}{of}{L['sender']}{ending} {rng.choice(['ที่', 'เลขที่'])} {ref} "
    text += f"{rng.choice(['ลงวันที่', 'ลว.'])} {render_date(rng, L['letter_date'])} {label(rng, 'เรื่อง')}{L['subject']}"
    return text, dict(L, priority=pr, secrecy=se)


TEMPLATES = (
    (t_labelled_line, 5),
    (t_labelled_lines, 5),
    (t_web_list, 4),
    (t_subject_first, 4),
    (t_unlabelled_lines, 4),
    (t_telegraphic, 3),
    (t_noisy, 3),
    (t_letter_layout, 3),
    (t_register_row, 3),
    (t_labelled_pipes, 3),
    (t_subject_then_labels, 3),
    (t_request_sentence, 3),
)


# --- commands ---------------------------------------------------------------------------------

COMMAND_CASES = [
    # forward
    ("ส่งต่อ 15 ให้ คุณสมชาย เพื่อดำเนินการ", {"intent": "forward", "number": "15", "recipient": "สมชาย"}),
    ("ส่งต่อ 15/2569 ให้ กองคลัง เพื่อทราบ", {"intent": "forward", "number": "15/2569", "recipient": "กองคลัง"}),
    ("ส่งต่อเลขรับ 15 ให้นายสมชาย ใจดี", {"intent": "forward", "number": "15", "recipient": "นายสมชาย ใจดี"}),
    ("ส่งต่อ ๑๕ ให้ ฝ่ายบริหารทั่วไป ครับ", {"intent": "forward", "number": "15", "recipient": "ฝ่ายบริหารทั่วไป"}),
    ("มอบหมาย 15 ให้ กลุ่มงานยุทธศาสตร์ เพื่อพิจารณา", {"intent": "forward", "number": "15", "recipient": "กลุ่มงานยุทธศาสตร์"}),
    ("ส่ง 15 ให้ คุณมาลี", {"intent": "forward", "number": "15", "recipient": "มาลี"}),
    ("ส่งต่อ 15 ถึง นางสาวมาลี ศรีสุข", {"intent": "forward", "number": "15", "recipient": "มาลี ศรีสุข"}),
    ("ช่วยส่งต่อ 15 ให้ กองกลาง ด้วยครับ", {"intent": "forward", "number": "15", "recipient": "กองกลาง"}),
    ("ส่งเรื่อง 15 ให้ งานการเงิน ดำเนินการ", {"intent": "forward", "number": "15", "recipient": "งานการเงิน"}),
    ("มอบหมายเรื่อง 15/2569 ให้ นางสาวมาลี ศรีสุข ดำเนินการ", {"intent": "forward", "number": "15/2569", "recipient": "มาลี ศรีสุข"}),
    ("ส่ง 15 ให้คุณสมชายด้วยครับ", {"intent": "forward", "number": "15", "recipient": "สมชาย"}),
    ("ช่วยส่งต่อเรื่องเลขที่ 15 ให้คุณมาลีหน่อยค่ะ", {"intent": "forward", "number": "15", "recipient": "มาลี"}),
    ("@สารบรรณ ส่งต่อ 15 ไปยัง ฝ่ายการเงิน", {"intent": "forward", "number": "15", "recipient": "ฝ่ายการเงิน"}),
    # acknowledge
    ("รับทราบ 15/2569", {"intent": "acknowledge", "number": "15/2569"}),
    ("รับทราบ 15", {"intent": "acknowledge", "number": "15"}),
    ("รับทราบครับ 15", {"intent": "acknowledge", "number": "15"}),
    ("15 รับทราบ", {"intent": "acknowledge", "number": "15"}),
    ("รับทราบเลขรับ ๑๕ ค่ะ", {"intent": "acknowledge", "number": "15"}),
    ("ทราบแล้ว 15", {"intent": "acknowledge", "number": "15"}),
    ("รับทราบ #15", {"intent": "acknowledge", "number": "15"}),
    ("ok รับทราบ 15", {"intent": "acknowledge", "number": "15"}),
    ("รับทราบ เลขรับ 15/69", {"intent": "acknowledge", "number": "15/2569"}),
    # reject
    ("ไม่ใช่งานของฉัน 15 เพราะเป็นงานของกองคลัง", {"intent": "reject", "number": "15"}),
    ("ไม่ใช่งานของผม 15", {"intent": "reject", "number": "15"}),
    ("ส่งคืน 15 ไม่ใช่งานของฝ่ายเรา", {"intent": "reject", "number": "15"}),
    ("ไม่ใช่งานของฉัน 15/2569 ค่ะ", {"intent": "reject", "number": "15/2569"}),
    ("15 ไม่ใช่งานของฉัน", {"intent": "reject", "number": "15"}),
    ("ตีกลับ 15 เพราะส่งผิดหน่วย", {"intent": "reject", "number": "15"}),
    ("ไม่ใช่งานของเรา 15 ส่งผิดหน่วยค่ะ", {"intent": "reject", "number": "15"}),
    # close
    ("ปิดเรื่อง 15", {"intent": "close", "number": "15"}),
    ("ปิดเรื่อง 15/2569 ดำเนินการเสร็จแล้ว", {"intent": "close", "number": "15/2569"}),
    ("ปิดงาน ๑๕", {"intent": "close", "number": "15"}),
    ("จบเรื่อง 15 ครับ", {"intent": "close", "number": "15"}),
    ("15 ปิดเรื่อง", {"intent": "close", "number": "15"}),
    ("เก็บเรื่อง 15", {"intent": "close", "number": "15"}),
    ("ดำเนินการเสร็จแล้ว ปิดเรื่อง 15", {"intent": "close", "number": "15"}),
    ("ปิดเรื่อง เลขรับ 15/2569 ครับ", {"intent": "close", "number": "15/2569"}),
    # search
    ("ค้นหา ประชุม", {"intent": "search", "query": "ประชุม"}),
    ("ค้นหา โครงการคนดีศรี ปภ.", {"intent": "search", "query": "โครงการคนดีศรี ปภ."}),
    ("ค้นหาเรื่องไข้เลือดออก", {"intent": "search", "query": "ไข้เลือดออก"}),
    ("ค้น สงกรานต์ ครับ", {"intent": "search", "query": "สงกรานต์"}),
    ("ค้นหา มท 0607/ว 4449", {"intent": "search", "query": "มท 0607/ว 4449"}),
    ("หา หนังสือ กรมบัญชีกลาง", {"intent": "search", "query": "กรมบัญชีกลาง"}),
    ("ค้นหาคำว่า อัคคีภัย", {"intent": "search", "query": "อัคคีภัย"}),
    ("ค้นหา หนังสือเรื่อง ประชุม", {"intent": "search", "query": "ประชุม"}),
    ("ค้นหาหนังสือจากกรมบัญชีกลาง", {"intent": "search", "query": "กรมบัญชีกลาง"}),
    # status
    ("สถานะ 15", {"intent": "status", "number": "15"}),
    ("สถานะ 15/2569", {"intent": "status", "number": "15/2569"}),
    ("เช็คสถานะ 15 หน่อยครับ", {"intent": "status", "number": "15"}),
    ("ติดตามเรื่อง ๑๕", {"intent": "status", "number": "15"}),
    ("15 ถึงไหนแล้ว", {"intent": "status", "number": "15"}),
    ("เลขรับ 15 ถึงไหนแล้วคะ", {"intent": "status", "number": "15"}),
    ("เรื่อง 15 ถึงไหนแล้วครับ", {"intent": "status", "number": "15"}),
    ("ขอดูสถานะ 15", {"intent": "status", "number": "15"}),
    # my_tasks
    ("งานของฉัน", {"intent": "my_tasks"}),
    ("งานค้าง", {"intent": "my_tasks"}),
    ("งานค้างของฉัน", {"intent": "my_tasks"}),
    ("ขอดูงานค้างครับ", {"intent": "my_tasks"}),
    ("งานของผมมีอะไรบ้าง", {"intent": "my_tasks"}),
    ("เรื่องค้าง", {"intent": "my_tasks"}),
    ("มีงานค้างไหม", {"intent": "my_tasks"}),
    ("ดูงานค้าง", {"intent": "my_tasks"}),
    # help
    ("ช่วยเหลือ", {"intent": "help"}),
    ("help", {"intent": "help"}),
    ("/help", {"intent": "help"}),
    ("วิธีใช้", {"intent": "help"}),
    ("ใช้งานยังไงครับ", {"intent": "help"}),
    ("เมนู", {"intent": "help"}),
    ("ทำอะไรได้บ้าง", {"intent": "help"}),
    # link_account
    ("ผูกบัญชี ABC123", {"intent": "link_account", "code": "ABC123"}),
    ("ผูกบัญชี abc-123-xyz", {"intent": "link_account", "code": "abc-123-xyz"}),
    ("ผูกบัญชี: 482913", {"intent": "link_account", "code": "482913"}),
    ("เชื่อมบัญชี K7Q2ZP", {"intent": "link_account", "code": "K7Q2ZP"}),
    ("ผูกบัญชีรหัส 482913 ครับ", {"intent": "link_account", "code": "482913"}),
    ("/link 482913", {"intent": "link_account", "code": "482913"}),
    # web_signin
    ("เข้าเว็บ", {"intent": "web_signin"}),
    ("ขอลิงก์เข้าเว็บค่ะ", {"intent": "web_signin"}),
    ("ขอเข้าสู่ระบบเว็บหน่อยครับ", {"intent": "web_signin"}),
    ("ลิงค์เข้าเว็บ", {"intent": "web_signin"}),
    ("ขอลิ้งเข้าเว็บหน่อยค่ะ", {"intent": "web_signin"}),
    ("เข้าเวบ", {"intent": "web_signin"}),
    ("เข้าสู่ระบบ", {"intent": "web_signin"}),
    # audit_sample
    ("สุ่มตรวจ กองกลาง 20", {"intent": "audit_sample", "unit": "กองกลาง", "sample_size": 20}),
    ("สุ่มตรวจ 20 เรื่อง กองคลัง", {"intent": "audit_sample", "unit": "กองคลัง", "sample_size": 20}),
    ("สุ่มตรวจ กองกลาง จำนวน 30 รายการ", {"intent": "audit_sample", "unit": "กองกลาง", "sample_size": 30}),
    ("สุ่มตรวจ สำนักงานจังหวัดระยอง ๑๐", {"intent": "audit_sample", "unit": "สำนักงานจังหวัดระยอง", "sample_size": 10}),
    ("สุ่มตรวจ กองคลัง 15 ฉบับ ปี 2569", {"intent": "audit_sample", "unit": "กองคลัง", "sample_size": 15}),
    ("สุ่มตัวอย่าง กองการเจ้าหน้าที่ 25", {"intent": "audit_sample", "unit": "กองการเจ้าหน้าที่", "sample_size": 25}),
    ("สุ่มตรวจ 10 รายการ จากกองคลัง", {"intent": "audit_sample", "unit": "กองคลัง", "sample_size": 10}),
    ("ขอสุ่มตรวจ กองกลาง 20", {"intent": "audit_sample", "unit": "กองกลาง", "sample_size": 20}),
    ("สุ่มตรวจกองกลาง 20 เรื่อง", {"intent": "audit_sample", "unit": "กองกลาง", "sample_size": 20}),
    # training
    ("ฝึกใช้งาน", {"intent": "training"}),
    ("เริ่มฝึก", {"intent": "training"}),
    ("ฝึกใช้งานครับ", {"intent": "training"}),
    ("ขอฝึกใช้งาน", {"intent": "training"}),
    ("ทดลองใช้งาน", {"intent": "training"}),
    # cancel
    ("ยกเลิก 15 เพราะลงทะเบียนซ้ำ", {"intent": "cancel", "number": "15"}),
    ("ยกเลิก", {"intent": "cancel"}),
    ("ยกเลิกเลขรับ 15/2569 เนื่องจากลงผิด", {"intent": "cancel", "number": "15/2569"}),
    ("ยกเลิก ๑๕ ลงซ้ำครับ", {"intent": "cancel", "number": "15"}),
    ("15 ยกเลิก", {"intent": "cancel", "number": "15"}),
    ("ขอยกเลิก 15 ค่ะ ลงผิด", {"intent": "cancel", "number": "15"}),
    # register_outgoing
    ("ออกเลขหนังสือส่ง เรื่อง ขอเชิญประชุม", {"intent": "register_outgoing", "subject": "ขอเชิญประชุม"}),
    ("ขอเลขส่ง", {"intent": "register_outgoing"}),
    ("ขอเลขส่ง ถึง ผู้ว่าราชการจังหวัดระยอง เรื่อง รายงานผลการดำเนินงาน",
     {"intent": "register_outgoing", "recipient": "ผู้ว่าราชการจังหวัดระยอง", "subject": "รายงานผลการดำเนินงาน"}),
    ("ออกเลขส่ง เรียน นายอำเภอปลวกแดง เรื่อง ขอความอนุเคราะห์",
     {"intent": "register_outgoing", "recipient": "นายอำเภอปลวกแดง", "subject": "ขอความอนุเคราะห์"}),
    ("ขอเลขหนังสือส่ง ให้ กองคลัง เรื่อง ส่งรายงาน", {"intent": "register_outgoing", "recipient": "กองคลัง", "subject": "ส่งรายงาน"}),
    ("ขอเลขส่งหนังสือ เรื่อง แจ้งกำหนดการ", {"intent": "register_outgoing", "subject": "แจ้งกำหนดการ"}),
    ("ออกเลขหนังสือส่ง\nเรียน ปลัดกระทรวงมหาดไทย\nเรื่อง รายงานผล",
     {"intent": "register_outgoing", "recipient": "ปลัดกระทรวงมหาดไทย", "subject": "รายงานผล"}),
    ("ขอเลขส่ง เรื่อง ขอเชิญประชุม ถึง นายอำเภอเมืองระยอง",
     {"intent": "register_outgoing", "recipient": "นายอำเภอเมืองระยอง", "subject": "ขอเชิญประชุม"}),
    ("ขอเลขหนังสือส่งค่ะ", {"intent": "register_outgoing"}),
    ("ลงทะเบียนส่ง ถึง สำนักงานจังหวัดระยอง เรื่อง ส่งข้อมูล",
     {"intent": "register_outgoing", "recipient": "สำนักงานจังหวัดระยอง", "subject": "ส่งข้อมูล"}),
    # unknown
    ("สวัสดีครับ", {"intent": "unknown"}),
    ("ขอบคุณค่ะ", {"intent": "unknown"}),
    ("👍", {"intent": "unknown"}),
    ("พรุ่งนี้ประชุมกี่โมงครับ", {"intent": "unknown"}),
    ("ประชุมที่ห้อง 301 วันที่ 5 มี.ค. 69 นะครับ", {"intent": "unknown"}),
    ("วันนี้มีหนังสือเข้ามาไหม", {"intent": "unknown"}),
    ("เดี๋ยวส่งให้ครับ", {"intent": "unknown"}),
]  # fmt: skip


# --- assembly ---------------------------------------------------------------------------------


def letters() -> list[dict]:
    seen: dict[str, dict] = {}
    for line in DEV_SET.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        e = case["expect"]
        if e.get("intent") != "register_incoming" or not e.get("ref_no"):
            continue
        base = case["id"].rsplit("-", 1)[0]
        seen.setdefault(base, {"base": base, **{k: e[k] for k in ("ref_no", "letter_date", "sender", "subject")}})
    return list(seen.values())


def generate(seed: int = 2569, per_letter: int = 43) -> list[dict]:
    rng = random.Random(seed)
    funcs = [f for f, w in TEMPLATES for _ in range(w)]
    out: list[dict] = []
    for L in letters():
        base = L.pop("base")
        for i in range(per_letter):
            template = funcs[i % len(funcs)] if i < len(funcs) else rng.choice(funcs)
            text, expect = template(rng, dict(L))
            expect = {"intent": "register_incoming", **expect}
            out.append({"id": f"var-{base[4:]}-{i:02d}", "template": template.__name__[2:], "text": text, "expect": expect})
    for i, (text, expect) in enumerate(COMMAND_CASES):
        out.append({"id": f"cmd-{i:03d}", "template": "command", "text": text, "expect": expect})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=2569)
    ap.add_argument("--per-letter", type=int, default=43)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    cases = generate(args.seed, args.per_letter)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as f:
        for case in cases:
            f.write(json.dumps(case, ensure_ascii=False) + "\n")
    print(f"{len(cases)} cases -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
