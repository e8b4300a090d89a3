"""E-mails as agencies send them: a letter as a PDF attachment (Thai text layer), a letter pasted
into the body, a photo of a letter, a broken MIME message."""

from __future__ import annotations

import io
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import datetime as dt

LETTER = ("ที่ มท 0808.2/ว 1095", "กรมส่งเสริมการปกครองท้องถิ่น", "27 กุมภาพันธ์ 2569",
          "เรื่อง ขอเชิญประชุมเชิงปฏิบัติการการจัดทำแผนพัฒนาท้องถิ่น", "เรียน ผู้ว่าราชการจังหวัด")
SENDER = "saraban@dla.go.th"


def letter_pdf(lines=LETTER) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from scan.stamp import _pdf_fonts

    regular, _bold = _pdf_fonts()
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setFont(regular, 16)
    y = 700
    for line in lines:
        c.drawString(72, y, line)
        y -= 24
    c.showPage()
    c.save()
    return out.getvalue()


def letter_photo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (620, 877), "white").save(out, "JPEG")
    return out.getvalue()


def _base(subject: str, sender: str, message_id: str | None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"กรมส่งเสริมการปกครองท้องถิ่น <{sender}>"
    msg["To"] = "saraban@kk.moi.go.th"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.UTC))
    msg["Message-ID"] = message_id or make_msgid(domain="dla.go.th")
    return msg


def with_pdf(*, subject: str = "ส่งหนังสือ ขอเชิญประชุม", sender: str = SENDER, message_id: str | None = None,
             pdf: bytes | None = None) -> bytes:
    msg = _base(subject, sender, message_id)
    msg.set_content("เรียน ผู้ว่าราชการจังหวัด\n\nกรมส่งเสริมการปกครองท้องถิ่นขอส่งหนังสือตามไฟล์แนบ\n")
    msg.add_attachment(pdf or letter_pdf(), maintype="application", subtype="pdf", filename="หนังสือเชิญประชุม.pdf")
    msg.add_attachment(b"PK\x03\x04 not a letter", maintype="application",
                       subtype="vnd.openxmlformats-officedocument.wordprocessingml.document", filename="แบบตอบรับ.docx")
    return msg.as_bytes()


def in_body(*, sender: str = "saraban@dopa.go.th", message_id: str | None = None) -> bytes:
    msg = _base("หนังสือกรมการปกครอง", sender, message_id)
    msg.set_content("ที่ มท 0309.1/ว 4521\nกรมการปกครอง\n1 ธันวาคม 2569\n"
                    "เรื่อง การจัดงานวันรัฐธรรมนูญ ประจำปี 2569\nเรียน ผู้ว่าราชการจังหวัดทุกจังหวัด\n\n"
                    "ด้วยกรมการปกครองขอความร่วมมือจัดงาน ...\n")
    return msg.as_bytes()


def with_photo(*, sender: str = "clerk@amphoe.go.th") -> bytes:
    msg = _base("ภาพถ่ายหนังสือ", sender, None)
    msg.set_content("ส่งภาพถ่ายหนังสือมาเพื่อโปรดทราบ")
    msg.add_attachment(letter_photo(), maintype="image", subtype="jpeg", filename="letter.jpg")
    return msg.as_bytes()


def with_letter_image(image: bytes, *, subtype: str = "jpeg", filename: str = "หนังสือ.jpg",
                      sender: str = "clerk@amphoe.go.th", body: str = "ส่งภาพถ่ายหนังสือมาเพื่อโปรดทราบ") -> bytes:
    """A letter sent as a photo (or a scanned page) with only a covering note in the body."""
    msg = _base("ภาพถ่ายหนังสือ", sender, None)
    msg.set_content(body)
    msg.add_attachment(image, maintype="image", subtype=subtype, filename=filename)
    return msg.as_bytes()


def not_a_letter(*, sender: str = "news@example.org") -> bytes:
    msg = _base("จดหมายข่าวประจำสัปดาห์", sender, None)
    msg.set_content("สวัสดีครับ ข่าวสารประจำสัปดาห์นี้ ...")
    return msg.as_bytes()


def broken_mime(*, sender: str = "broken@example.go.th") -> bytes:
    """A multipart message whose boundary never appears: its parts cannot be trusted."""
    return (f"From: Broken <{sender}>\r\nTo: saraban@kk.moi.go.th\r\nSubject: =?utf-8?b?4Lir4LiZ4Lix4LiH4Liq4Li34Lit?=\r\n"
            "Message-ID: <broken-1@example.go.th>\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="AAAA"\r\n\r\n'
            "--BBBB\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            "JVBERi0xLjQKJcfsj6IK\r\n--BBBB--\r\n").encode()
