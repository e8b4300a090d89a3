"""The Thai words the letter-header parser looks for: edit them here, nowhere else.

How to edit (no programming needed):

* Every list below is Thai text in double quotes, separated by commas. To add a word, copy a
  line, change the text between the quotes, keep the comma. To drop one, delete it with its comma.
* Write words as they are printed (``ลงวันที่``, ``สำนักงาน``), with Thai letters, no spaces at the
  ends. The order inside a list does not matter: the parser tries longer words first.
* Only words live here. Shapes with digits, dots and slashes (reference numbers, dates) are
  patterns in ``nlp/refno.py`` and ``nlp/dates.py``; a comment says when a list is used in a
  special way.
* Then run the parser's tests: ``.venv/bin/python -m pytest tests/nlp -q``. The shared dev set
  (``shared/data/parse-dev.jsonl``) must stay at 100 %; ``tests/nlp/data/header_shapes.jsonl``
  holds one example per header shape and is the place to add an example of a new word.

Nothing here is imported by anything but the parser's own modules (``nlp.fields.*``, ``nlp.dates``).
"""

from __future__ import annotations

# --- priority (ชั้นความเร็ว) and secrecy (ชั้นความลับ): the word as printed -> the value stored ----------
PRIORITY_WORDS = {"ด่วนที่สุด": "most_urgent", "ด่วนมาก": "very_urgent", "ด่วน": "urgent", "ปกติ": "normal"}
SECRECY_WORDS = {"ลับที่สุด": "top_secret", "ลับมาก": "secret", "ลับ": "confidential"}

# --- labels: which field the text after each word fills ------------------------------------------
LABELS: dict[str, tuple[str, ...]] = {
    "enclosures": ("สิ่งที่ส่งมาด้วย", "สิ่งที่แนบมาด้วย", "สิ่งที่แนบ", "เอกสารแนบ"),
    "reference": ("อ้างถึง",),  # a cited letter: labels after it on its line belong to that letter
    "priority": ("ระดับความเร่งด่วน", "ชั้นความเร็ว", "ชั้นความเร่งด่วน", "ชั้นความด่วน", "ความเร่งด่วน", "ความเร็ว"),
    "secrecy": ("ระดับชั้นความลับ", "ระดับความลับ", "ชั้นความลับ", "ความลับ"),
    "date": ("วันที่หนังสือ", "วันที่ลงนาม", "ลงวันที่", "ลว.", "ลว", "ลง", "วันที่"),
    "ref": ("เลขที่หนังสือ", "เลขหนังสือ", "ที่หนังสือ", "หนังสือที่", "เลขที่", "ที่"),
    "sender": (
        "จาก", "ส่วนราชการเจ้าของเรื่อง", "ส่วนราชการที่ส่ง", "ส่วนราชการ", "หน่วยงานผู้ส่ง", "หน่วยงานที่ส่ง",
        "หน่วยงานต้นเรื่อง", "หน่วยงานเจ้าของเรื่อง", "หน่วยงาน", "ผู้ส่ง",
    ),  # fmt: skip
    "addressee": ("เรียน", "ถึง", "ผู้รับ"),
    "subject": ("ชื่อเรื่อง", "เรื่อง"),
    "remarks": ("หมายเหตุ",),
    "phone": ("โทรศัพท์", "โทร.", "โทร"),
}
# Labels that are a label only when a number follows them ("ลง 5 ต.ค. 67", "วันที่ 5 …", "โทร 0 3861 …").
LABELS_BEFORE_NUMBER = ("ลง", "วันที่", "โทรศัพท์", "โทร.", "โทร")
# Short abbreviations that must not run on into a word ("ลว. 5 ต.ค." but not "ลวดลาย").
LABEL_ABBREVIATIONS = ("ลว.", "ลว")
# Labels that are ordinary words too: a label only with a colon after it or at a line start.
WEAK_LABELS = ("สิ่งที่แนบ", "เอกสารแนบ", "ความเร็ว", "ความลับ")
# Labels also read with one letter (or mark) missing, when a space or colon follows them: "เรือง การประชุม",
# "ลงวันที 5 ม.ค. 69", "ที มท 0808.2/ว 1095" (after ที่ a whole reference number must follow, after
# จาก an organisation's name: "จก สำนักงานจังหวัดระยอง").
LABELS_READ_WITH_A_LETTER_MISSING = (
    "เรื่อง", "ชื่อเรื่อง", "ลงวันที่", "วันที่", "ที่", "เลขที่", "จาก", "เรียน", "อ้างถึง", "สิ่งที่ส่งมาด้วย",
    "ชั้นความเร็ว", "ชั้นความลับ", "หมายเหตุ",
)  # fmt: skip
# ... except these misspellings, which are real words or names (none today; add one if a label is misread).
NOT_LABEL_MISSPELLINGS: tuple[str, ...] = ()
# English labels of letters and e-mails, any case; a label only with a colon or at a line start.
ENGLISH_LABELS: dict[str, tuple[str, ...]] = {
    "subject": ("Subject", "Subj.", "Subj"),
    "ref": ("Our Ref.", "Our Ref", "Ref. No.", "Ref No.", "Ref No", "Ref.", "Ref", "No."),
    "reference": ("Your Ref.", "Your Ref"),  # the letter this one answers (อ้างถึง), not this one's number
    "sender": ("From",),
    "addressee": ("To", "Attn.", "Attn"),
    "date": ("Dated", "Date"),
    "enclosures": ("Enclosures", "Enclosure", "Encl.", "Attachments", "Attachment"),
}

# --- months (dates): full names, their printed abbreviations, and other spellings seen ----------------
MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
# Spoken short forms, common misspellings, English. (A full name with any one letter missing, added or
# wrong is read without being listed: "มกราม 2569", "พฤศจิกายยน 2569".)
MONTH_SPELLINGS = {
    1: ("มกรา", "january", "jan"),
    2: ("กุมภาพันธ", "กุมภา", "february", "feb"),
    3: ("มีนา", "march", "mar"),
    4: ("เมษา", "april", "apr"),
    5: ("พฤษภา", "may"),
    6: ("มิถุนา", "june", "jun"),
    7: ("กรกฏาคม", "กรกฎา", "กรกฏา", "july", "jul"),
    8: ("สิงหา", "august", "aug"),
    9: ("กันยา", "september", "sept", "sep"),
    10: ("ตุลา", "october", "oct"),
    11: ("พฤศจิกา", "november", "nov"),
    12: ("ธันวา", "december", "dec"),
}

# --- names of organisations and people ---------------------------------------------------------------
# How an organisation's (or an official's) name begins: tells an unlabelled sender from a subject.
ORG_HEADS = (
    "กรม", "กอง", "สำนัก", "สนง.", "กระทรวง", "จังหวัด", "อำเภอ", "ที่ว่าการ", "ที่ทำการ", "เทศบาล", "องค์การ",
    "องค์กร", "อบต", "อบจ", "ศูนย์", "มหาวิทยาลัย", "วิทยาลัย", "โรงพยาบาล", "โรงเรียน", "สถานี", "สถาบัน",
    "การไฟฟ้า", "การประปา", "การท่าเรือ", "การรถไฟ", "ธนาคาร", "บริษัท", "สภา", "คณะ", "ศาล", "ตำรวจ",
    "ผู้ว่าราชการ", "นายอำเภอ", "ปลัด", "ผู้อำนวยการ", "หน่วย", "ฝ่าย", "ส่วน", "ด่าน", "กองทุน", "สหกรณ์",
    "มูลนิธิ", "สมาคม", "ท่าอากาศยาน", "เขต", "ภาค", "สำนักงาน", "หัวหน้า", "นายก", "ประธาน", "อธิบดี",
    "อธิการบดี", "คณบดี", "เลขาธิการ", "รองผู้", "รองปลัด", "รองนายก", "รองอธิบดี", "รองเลขาธิการ",
    "ผู้บัญชาการ", "ผู้กำกับ", "ผู้บังคับการ", "กลุ่มงาน", "กลุ่ม", "วัด", "ชมรม", "สโมสร", "ห้างหุ้นส่วน",
    "หจก", "บจก", "บมจ", "แขวง", "เรือนจำ", "ทัณฑสถาน", "ไปรษณีย์", "อุทยาน", "นิคม", "โครงการชลประทาน",
    "ชลประทาน", "ทางหลวง", "ค่าย",
)  # fmt: skip
# Words that carry a name on after a space: "สำนักงานส่งเสริมการปกครองท้องถิ่น เขต 2 ประจำจังหวัดระยอง",
# "ศูนย์ป้องกันและบรรเทาสาธารณภัย เขต 12 สงขลา" (a province alone continues a name too, see PROVINCES).
NAME_CONTINUATIONS = ("ประจำจังหวัด", "ประจำอำเภอ", "ประจำภาค", "ประจำ", "สาขา", "แห่ง")
# The 76 provinces and Bangkok, as names run on with them ("… เขต 12 สงขลา").
PROVINCES = (
    "กรุงเทพมหานคร", "กระบี่", "กาญจนบุรี", "กาฬสินธุ์", "กำแพงเพชร", "ขอนแก่น", "จันทบุรี", "ฉะเชิงเทรา",
    "ชลบุรี", "ชัยนาท", "ชัยภูมิ", "ชุมพร", "เชียงราย", "เชียงใหม่", "ตรัง", "ตราด", "ตาก", "นครนายก",
    "นครปฐม", "นครพนม", "นครราชสีมา", "นครศรีธรรมราช", "นครสวรรค์", "นนทบุรี", "นราธิวาส", "น่าน",
    "บึงกาฬ", "บุรีรัมย์", "ปทุมธานี", "ประจวบคีรีขันธ์", "ปราจีนบุรี", "ปัตตานี", "พระนครศรีอยุธยา",
    "พะเยา", "พังงา", "พัทลุง", "พิจิตร", "พิษณุโลก", "เพชรบุรี", "เพชรบูรณ์", "แพร่", "ภูเก็ต", "มหาสารคาม",
    "มุกดาหาร", "แม่ฮ่องสอน", "ยโสธร", "ยะลา", "ร้อยเอ็ด", "ระนอง", "ระยอง", "ราชบุรี", "ลพบุรี", "ลำปาง",
    "ลำพูน", "เลย", "ศรีสะเกษ", "สกลนคร", "สงขลา", "สตูล", "สมุทรปราการ", "สมุทรสงคราม", "สมุทรสาคร",
    "สระแก้ว", "สระบุรี", "สิงห์บุรี", "สุโขทัย", "สุพรรณบุรี", "สุราษฎร์ธานี", "สุรินทร์", "หนองคาย",
    "หนองบัวลำภู", "อ่างทอง", "อำนาจเจริญ", "อุดรธานี", "อุตรดิตถ์", "อุทัยธานี", "อุบลราชธานี",
)  # fmt: skip

# --- the words around a header ------------------------------------------------------------------------
# หนังสือ<kind>: "หนังสือเวียนกรม…" in a web list names the sender after these.
LETTER_KINDS = ("เวียน", "ราชการ", "ภายนอก", "ภายใน", "ประทับตรา", "สั่งการ")
# How subjects usually begin: after a labelled name (จาก …), only such words start a subject on its line.
SUBJECT_OPENERS = (
    "ขอ", "แจ้ง", "ส่ง", "เชิญ", "การ", "รายงาน", "ประชาสัมพันธ์", "ประกาศ", "คำสั่ง", "แนวทาง", "มาตรการ",
    "โครงการ", "สรุป", "ซักซ้อม", "ติดตาม", "เร่งรัด", "หลักเกณฑ์", "กำหนด", "ผลการ", "ยกเลิก", "แก้ไข",
    "อนุมัติ", "สำรวจ", "จัดส่ง", "จัดทำ", "เตรียม", "ชี้แจง", "ตอบ", "นำส่ง", "โอน", "รับสมัคร", "คัดเลือก",
    "ประชุม", "ใบแจ้ง", "หนังสือ",
)  # fmt: skip
# How the body of a pasted letter begins: the header ends there.
BODY_OPENERS = ("ตามที่", "ด้วย", "อนุสนธิ", "ตามหนังสือ", "เนื่องด้วย", "เนื่องจาก")
# Words that are never a subject on their own: what is left of "1. หนังสือ ที่ … ลว. …" once the
# reference and date are read. A leftover made of these (and list numbering) gives no subject.
NOT_A_SUBJECT = (
    "หนังสือ", "หนังสือเวียน", "หนังสือราชการ", "หนังสือภายนอก", "หนังสือภายใน", "บันทึกข้อความ", "ฉบับที่",
    "ฉบับ", "เลขที่", "ใหม่", "ได้รับ", "มี", "รับ", "ลงรับ", "ค่ะ", "คะ", "ครับ", "ครับผม", "นะคะ", "นะครับ",
    "ด้วย", "หน่อย", "จ้า", "เรื่อง", "นี้", "ให้", "นะ", "ช่วย", "รบกวน", "ฝาก", "ขอบคุณ", "สวัสดี",
)  # fmt: skip
# Chat words typed around a header.
POLITE_ENDINGS = ("ครับผม", "ครับ", "ค่ะ", "คะ", "จ้า")  # a glued one ends a name: "…ระยองให้หน่อยครับ"
CHAT_STARTS = ("สวัสดี", "ขอบคุณ", "ให้หน่อย", "หน่อย", "ครับ", "ค่ะ", "คะ", "นะคะ", "นะครับ", "จ้า")
# Near the end of a subject these mean chat may follow (a cheap test before the costly one).
CHAT_HINTS = (
    "ครับ", "ค่ะ", "คะ", "จ้", "ขอบคุณ", "ลงรับ", "รับหนังสือ", "บันทึกรับ", "ด้วย", "ไฟล์", "ดาวน์", "PDF",
    "pdf", "ใหม่", "new", "NEW", "คลิก", "เอกสารแนบ",
)  # fmt: skip
# May follow a ด่วน/ลับ word without a space ("ด่วนที่สุดลับมาก", "ด่วนที่สุดครับ").
FLAG_FOLLOWERS = ("ด่วน", "ลับ", "ภายใน", "ที่", "เรื่อง", "จาก", "ของ", "ครับ", "ค่ะ", "คะ", "นะ", "จ้า")
