"""Real-looking Thai official letters for the tests and ``saraban bench scan``.

A letter is drawn in the layout the regulation prescribes (หนังสือภายนอก): the Garuda (ครุฑ) at the
top centre, the ที่ line at the left and the agency block (name, then address) at the right on the
same level, the date starting at the page centre, then เรื่อง (wrapped with a hanging indent),
เรียน, อ้างถึง, สิ่งที่ส่งมาด้วย and the body. Decoys a reader must not take for fields: a red
priority stamp (ด่วนที่สุด) at the top left, a blue receipt stamp of the receiving unit (its own
number and date) at the top right, and the อ้างถึง line, which carries another reference number and
another date.

Each letter is produced as a clean scan (PNG), a phone-like photo (JPEG: perspective, rotation,
uneven light, blur, noise), a text PDF (reportlab; the text layer is exact) and an image-only PDF.
Everything is drawn from a seeded ``random.Random`` so a failing case can be drawn again.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import random
from dataclasses import dataclass, field
from pathlib import Path

from nlp.normalize import to_thai_digits

MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
          "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")  # fmt: skip
MONTHS_SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")

# (name lines, address lines, reference-number prefix)
AGENCIES = (
    (("กรมส่งเสริมการปกครองท้องถิ่น",), ("ถนนนครราชสีมา เขตดุสิต", "กรุงเทพฯ 10300"), "มท 0808.2"),
    (("สำนักงานปลัดกระทรวงมหาดไทย",), ("ถนนอัษฎางค์ แขวงวังบูรพาภิรมย์", "เขตพระนคร กรุงเทพฯ 10200"), "มท 0201.2"),
    (("กรมการปกครอง",), ("ถนนอัษฎางค์ กทม. 10200",), "มท 0309.1"),
    (("กรมบัญชีกลาง",), ("ถนนพระรามที่ 6 เขตพญาไท", "กรุงเทพฯ 10400"), "กค 0402.2"),
    (("กรมป้องกันและบรรเทาสาธารณภัย",), ("ถนนอู่ทองใน เขตดุสิต กทม. 10300",), "มท 0603"),
    (("กรมที่ดิน",), ("ถนนแจ้งวัฒนะ ตำบลบางตลาด", "อำเภอปากเกร็ด นนทบุรี 11120"), "มท 0515.4"),
    (("มหาวิทยาลัยเทคโนโลยีราชมงคลตะวันออก",), ("43 หมู่ 6 ตำบลบางพระ", "อำเภอศรีราชา ชลบุรี 20110"), "อว 0654.1"),
    (("สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน",), ("ถนนราชดำเนินนอก กทม. 10300",), "ศธ 04009"),
    (("กรมควบคุมมลพิษ",), ("ถนนพหลโยธิน แขวงพญาไท", "เขตพญาไท กรุงเทพฯ 10400"), "ทส 0302"),
    (("สำนักงานจังหวัดชลบุรี",), ("ศาลากลางจังหวัดชลบุรี", "ถนนพระยาสัจจา ชบ 20000"), "ชบ 0017.2"),
    (("เทศบาลนครเชียงใหม่",), ("ถนนวังสิงห์คำ ตำบลช้างม่อย", "อำเภอเมือง เชียงใหม่ 50300"), "ชม 52001"),
    (("กรมส่งเสริมสหกรณ์",), ("ถนนพิษณุโลก เขตดุสิต กทม. 10300",), "กษ 1104"),
    (("สำนักงานพระพุทธศาสนาแห่งชาติ",), ("ถนนพุทธมณฑลสาย 4", "นครปฐม 73170"), "พศ 0006"),
    (("สำนักงานส่งเสริมการปกครองท้องถิ่น", "จังหวัดนครราชสีมา"), ("ถนนมหาดไทย นม 30000",), "นม 0023.3"),
    (("กรมอุตุนิยมวิทยา",), ("4353 ถนนสุขุมวิท แขวงบางนา", "เขตบางนา กรุงเทพฯ 10260"), "ดศ 0701"),
    (("สำนักงานสาธารณสุขจังหวัดระยอง",), ("ถนนสุขุมวิท ตำบลท่าประดู่", "อำเภอเมือง ระยอง 21000"), "รย 0032.002"),
)  # fmt: skip

ACTIONS = ("ขอเชิญประชุม", "ขอความร่วมมือ", "ขอส่งสำเนา", "แจ้งผลการพิจารณา", "ขอเชิญเข้าร่วม", "ซักซ้อมแนวทาง",
           "ขออนุมัติ", "ขอให้รายงานผล", "แจ้งการจัดสรร", "ขอประชาสัมพันธ์")  # fmt: skip
TOPICS = ("การพัฒนาระบบสารบรรณอิเล็กทรอนิกส์", "โครงการฝึกอบรมเจ้าหน้าที่", "การจัดทำแผนพัฒนาท้องถิ่น",
          "งบประมาณรายจ่ายประจำปี", "มาตรการป้องกันอุทกภัย", "การสำรวจข้อมูลผู้สูงอายุ",
          "การตรวจสอบภายใน", "การเบิกจ่ายเงินอุดหนุน", "การรับฟังความคิดเห็นของประชาชน",
          "การป้องกันและควบคุมโรคไข้เลือดออก", "หลักเกณฑ์การประเมินผลการปฏิบัติราชการ",
          "การจัดเก็บภาษีที่ดินและสิ่งปลูกสร้าง")  # fmt: skip
QUALIFIERS = ("ประจำปีงบประมาณ พ.ศ. 2568", "ระดับจังหวัด", "ขององค์กรปกครองส่วนท้องถิ่น", "ในพื้นที่ภาคตะวันออก",
              "ครั้งที่ 2/2567", "ผ่านระบบการประชุมทางไกล", "เพื่อเตรียมความพร้อมรับมือสถานการณ์ฉุกเฉิน")  # fmt: skip
ADDRESSEES = ("ผู้ว่าราชการจังหวัดทุกจังหวัด", "นายอำเภอทุกอำเภอ", "นายกเทศมนตรีนครระยอง", "อธิการบดีมหาวิทยาลัยบูรพา",
              "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาระยอง เขต 1", "นายกองค์การบริหารส่วนจังหวัดระยอง")  # fmt: skip
BODY = (
    "ด้วยกรมได้รับแจ้งจากหน่วยงานที่เกี่ยวข้องว่า มีความจำเป็นต้องดำเนินการตามแนวทางที่กำหนด",
    "เพื่อให้การปฏิบัติราชการเป็นไปด้วยความเรียบร้อย จึงขอความร่วมมือท่านแจ้งหน่วยงานในสังกัดทราบ",
    "และถือปฏิบัติต่อไป รายละเอียดปรากฏตามสิ่งที่ส่งมาด้วย",
    "จึงเรียนมาเพื่อโปรดทราบและพิจารณาดำเนินการต่อไป",
)
RECEIVERS = ("เทศบาลตำบลบ้านฉาง", "สำนักงานจังหวัดระยอง", "องค์การบริหารส่วนตำบลเพ", "โรงเรียนระยองวิทยาคม")
PRIORITIES = ("ด่วนที่สุด", "ด่วนมาก", "ด่วน")
PRIORITY_CODES = {"ด่วนที่สุด": "most_urgent", "ด่วนมาก": "very_urgent", "ด่วน": "urgent"}

# Thai fonts shipped by Debian (fonts-thai-tlwg) and by the project (fontpkg-sarabun).
TLWG = Path("/usr/share/fonts/truetype/tlwg")
FONT_FILES = {
    "Sarabun": ("Sarabun-Regular.ttf", "Sarabun-Bold.ttf"),
    "Laksaman": ("Laksaman.ttf", "Laksaman-Bold.ttf"),
    "Norasi": ("Norasi.ttf", "Norasi-Bold.ttf"),
    "Garuda": ("Garuda.ttf", "Garuda-Bold.ttf"),
}
MM_PER_INCH = 25.4


def font_path(family: str, bold: bool = False) -> Path:
    name = FONT_FILES[family][1 if bold else 0]
    if family == "Sarabun":
        import fontpkg_sarabun

        return Path(fontpkg_sarabun.__file__).resolve().parent / "files" / name
    return TLWG / name


def available_fonts() -> tuple[str, ...]:
    return tuple(f for f in FONT_FILES if font_path(f).exists())


@dataclass(frozen=True)
class Letter:
    ref_no: str  # as printed
    agency: tuple[str, ...]
    address: tuple[str, ...]
    date: dt.date
    date_text: str
    subject_chunks: tuple[str, ...]  # the subject, in pieces at which a line may wrap
    addressee: str
    reference: str | None
    enclosure: str | None
    priority: str | None
    receipt: tuple[str, ...] | None  # the receiving unit's stamp, lines
    thai_digits: bool
    font: str
    seed: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def subject(self) -> str:
        return "".join(self.subject_chunks)

    @property
    def sender(self) -> str:
        return "".join(self.agency)

    def expected(self) -> dict:
        """The fields a reader should find (values as printed, dates ISO)."""
        return {
            "ref_no": self.ref_no, "letter_date": self.date.isoformat(), "sender": self.sender,
            "subject": self.subject, "addressee": self.addressee,
            "priority": PRIORITY_CODES.get(self.priority or "", "normal"),
        }  # fmt: skip


def _digits(text: str, thai: bool) -> str:
    return to_thai_digits(text) if thai else text


def random_letter(rng: random.Random, *, thai_digits: bool | None = None, font: str | None = None) -> Letter:
    seed = rng.randrange(1 << 30)
    r = random.Random(seed)
    thai = r.random() < 0.35 if thai_digits is None else thai_digits
    names, address, prefix = r.choice(AGENCIES)
    circular = "/ว " if r.random() < 0.5 else "/"
    ref = f"{prefix}{circular}{r.randrange(1, 9999)}"
    date = dt.date(2023, 1, 1) + dt.timedelta(days=r.randrange(0, 1000))
    date_text = f"{date.day} {MONTHS[date.month - 1]} {date.year + 543}"
    subject = [r.choice(ACTIONS)] + r.sample(TOPICS, 1)
    if r.random() < 0.6:
        subject.append(" " + r.choice(QUALIFIERS))
    if r.random() < 0.25:  # a long subject that wraps onto a continuation line
        subject.append(" และ" + r.choice(TOPICS))
    ref_names, _, ref_prefix = r.choice(AGENCIES)
    ref_date = date - dt.timedelta(days=r.randrange(5, 90))
    reference = (
        f"หนังสือ{''.join(ref_names)} ที่ {ref_prefix}/{r.randrange(1, 9999)} "
        f"ลงวันที่ {ref_date.day} {MONTHS[ref_date.month - 1]} {ref_date.year + 543}"
        if r.random() < 0.6 else None
    )  # fmt: skip
    enclosure = "รายละเอียดโครงการ จำนวน 1 ชุด" if r.random() < 0.5 else None
    priority = r.choice(PRIORITIES) if r.random() < 0.5 else None
    receipt = None
    if r.random() < 0.6:
        got = date + dt.timedelta(days=r.randrange(1, 10))
        receipt = (
            r.choice(RECEIVERS), f"เลขรับ {r.randrange(1, 3000)}",
            f"วันที่ {got.day} {MONTHS_SHORT[got.month - 1]} {got.year + 543}",
            f"เวลา {r.randrange(8, 17)}.{r.randrange(0, 60):02d} น.",
        )  # fmt: skip
    return Letter(
        ref_no=_digits(ref, thai), agency=names, address=tuple(_digits(a, thai) for a in address), date=date,
        date_text=_digits(date_text, thai), subject_chunks=tuple(_digits(c, thai) for c in subject),
        addressee=_digits(r.choice(ADDRESSEES), thai), reference=_digits(reference, thai) if reference else None,
        enclosure=_digits(enclosure, thai) if enclosure else None, priority=priority,
        receipt=tuple(_digits(x, thai) for x in receipt) if receipt else None, thai_digits=thai,
        font=font or r.choice(available_fonts()), seed=seed,
    )  # fmt: skip


# ---------------------------------------------------------------- drawing


@functools.cache
def _font(family: str, px: int, bold: bool = False):
    from PIL import ImageFont

    return ImageFont.truetype(str(font_path(family, bold)), px)


class _Page:
    """An A4 page drawn at *dpi* with positions in millimetres."""

    def __init__(self, dpi: int):
        from PIL import Image, ImageDraw

        self.dpi = dpi
        self.image = Image.new("RGB", (self.px(210), self.px(297)), "white")
        self.draw = ImageDraw.Draw(self.image)

    def px(self, mm: float) -> int:
        return round(mm * self.dpi / MM_PER_INCH)

    def text(self, x_mm: float, y_mm: float, s: str, font, fill=(20, 20, 20)) -> None:
        self.draw.text((self.px(x_mm), self.px(y_mm)), s, font=font, fill=fill, anchor="ls")

    def width_mm(self, s: str, font) -> float:
        return self.draw.textlength(s, font=font) * MM_PER_INCH / self.dpi


def _garuda(page: _Page) -> None:
    """A stand-in for the Garuda emblem: a dark figure 3 cm tall at the top centre (a graphic the
    reader must ignore)."""
    d, px = page.draw, page.px
    cx, top = 105, 12
    d.ellipse([px(cx - 6), px(top), px(cx + 6), px(top + 10)], fill=(30, 30, 30))
    d.polygon([(px(cx - 15), px(top + 6)), (px(cx - 4), px(top + 12)), (px(cx - 3), px(top + 24)),
               (px(cx - 12), px(top + 18))], fill=(30, 30, 30))  # fmt: skip
    d.polygon([(px(cx + 15), px(top + 6)), (px(cx + 4), px(top + 12)), (px(cx + 3), px(top + 24)),
               (px(cx + 12), px(top + 18))], fill=(30, 30, 30))  # fmt: skip
    d.rectangle([px(cx - 4), px(top + 10), px(cx + 4), px(top + 28)], fill=(30, 30, 30))


def _wrap(page: _Page, chunks, width_mm: float, font) -> list[str]:
    lines, line = [], ""
    for chunk in chunks:
        if line and page.width_mm(line + chunk, font) > width_mm:
            lines.append(line)
            line = chunk.lstrip()
        else:
            line += chunk
    return lines + [line]


def render(letter: Letter, dpi: int = 200):
    """The letter as a clean page image (PIL RGB)."""
    from PIL import Image, ImageDraw

    page = _Page(dpi)
    size = round(16 / 72 * dpi)  # 16 pt, the size the regulation's template uses
    regular, bold = _font(letter.font, size), _font(letter.font, size, True)
    lead = 16 / 72 * MM_PER_INCH * 1.05  # line pitch in mm
    left, right, centre = 30.0, 190.0, 105.0
    _garuda(page)
    if letter.priority:  # the red speed stamp, big and bold, at the top left
        stamp = _font(letter.font, round(size * 1.6), True)
        page.text(left, 24, letter.priority, stamp, fill=(200, 30, 30))
        w = page.width_mm(letter.priority, stamp)
        page.draw.rectangle([page.px(left - 2), page.px(13), page.px(left + w + 2), page.px(28)],
                            outline=(200, 30, 30), width=max(2, dpi // 70))  # fmt: skip
    y = 47.0
    page.text(left, y, f"ที่ {letter.ref_no}", regular)
    block_x = min(125.0, 195 - max(page.width_mm(x, regular) for x in letter.agency + letter.address))
    for i, line in enumerate(letter.agency + letter.address):
        page.text(block_x, y + i * lead, line, regular)
    y += (len(letter.agency) + len(letter.address)) * lead + lead * 0.4
    page.text(centre, y, letter.date_text, regular)
    y += lead * 1.5
    label = "เรื่อง  "
    page.text(left, y, label, regular)
    indent = left + page.width_mm(label, regular)
    for i, line in enumerate(_wrap(page, letter.subject_chunks, right - indent, regular)):
        page.text(indent, y + i * lead, line, regular)
        last = i
    y += (last + 1) * lead + lead * 0.4
    page.text(left, y, f"เรียน  {letter.addressee}", regular)
    y += lead * 1.4
    if letter.reference:
        label = "อ้างถึง  "
        page.text(left, y, label, regular)
        indent = left + page.width_mm(label, regular)
        lines = _wrap(page, [w + " " for w in letter.reference.split(" ")], right - indent, regular)
        for i, line in enumerate(lines):
            page.text(indent, y + i * lead, line.rstrip(), regular)
        y += len(lines) * lead + lead * 0.4
    if letter.enclosure:
        page.text(left, y, f"สิ่งที่ส่งมาด้วย  {letter.enclosure}", regular)
        y += lead * 1.4
    for i, para in enumerate(BODY):
        x = left + (25 if i in (0, 3) else 0)
        page.text(x, y, para, regular)
        y += lead * (1.5 if i in (2,) else 1)
    page.text(centre - 5, y + lead * 1.5, "ขอแสดงความนับถือ", regular)
    page.text(centre - 15, y + lead * 5, "(นายสมชาย  ใจดี)", regular)
    page.text(centre - 20, y + lead * 6, "ผู้อำนวยการสำนัก", regular)
    page.text(left, 270, _digits("สำนักบริหารงานทั่วไป  โทร. 0 2241 9000", letter.thai_digits), regular)
    image = page.image
    if letter.receipt:  # the receiving unit's blue stamp, a little crooked, at the top right
        s = _font(letter.font, round(size * 0.8))
        w_mm, h_mm = 58, 30
        stamp = Image.new("RGBA", (page.px(w_mm), page.px(h_mm)), (0, 0, 0, 0))
        sd = ImageDraw.Draw(stamp)
        blue = (40, 60, 170, 255)
        sd.rectangle([2, 2, stamp.width - 3, stamp.height - 3], outline=blue, width=max(2, dpi // 80))
        for i, line in enumerate(letter.receipt):
            sd.text((page.px(3), page.px(7 + i * 6.5)), line, font=s, fill=blue, anchor="ls")
        angle = letter.seed % 7 - 3
        stamp = stamp.rotate(angle, expand=True, resample=Image.BICUBIC)
        image.paste(stamp, (page.px(142), page.px(8)), stamp)
    return image


# ---------------------------------------------------------------- the four conditions


def clean_scan(letter: Letter, dpi: int = 200) -> bytes:
    """A flatbed scan: the page as a PNG, a hair off square."""
    from PIL import Image

    img = render(letter, dpi).convert("L")
    angle = (letter.seed % 11 - 5) / 10  # ±0.5°
    img = img.rotate(angle, resample=Image.BILINEAR, fillcolor=255)
    buf = io.BytesIO()
    img.save(buf, "PNG", dpi=(dpi, dpi))
    return buf.getvalue()


def phone_photo(letter: Letter, rng: random.Random | None = None) -> bytes:
    """A phone photo of the page on a desk: perspective, a few degrees of rotation, light falling
    off across the page, a little blur and sensor noise, JPEG."""
    import cv2
    import numpy as np

    r = rng or random.Random(letter.seed)
    page = np.asarray(render(letter, 200).convert("RGB"))[:, :, ::-1]
    h, w = page.shape[:2]
    out_w, out_h = 1800, 2400
    margin = 0.08
    base = np.float32([[margin * out_w, margin * out_h], [(1 - margin) * out_w, margin * out_h],
                       [(1 - margin) * out_w, (1 - margin) * out_h], [margin * out_w, (1 - margin) * out_h]])  # fmt: skip
    jitter = np.float32([[r.uniform(-0.045, 0.045) * out_w, r.uniform(-0.035, 0.035) * out_h] for _ in range(4)])
    angle = np.deg2rad(r.uniform(-5, 5))
    c = np.float32([out_w / 2, out_h / 2])
    rot = np.float32([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    dst = (base - c) @ rot.T + c + jitter
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    m = cv2.getPerspectiveTransform(src, dst)
    desk = np.array([r.randrange(60, 140), r.randrange(60, 130), r.randrange(50, 120)], np.uint8)
    photo = cv2.warpPerspective(page, m, (out_w, out_h), flags=cv2.INTER_AREA, borderValue=desk.tolist())
    # light falling off from one side to the other, and darker corners
    yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    gx, gy = r.uniform(-1, 1), r.uniform(-1, 1)
    light = 1 - r.uniform(0.15, 0.4) * ((xx / out_w - 0.5) * gx + (yy / out_h - 0.5) * gy + 0.5)
    light -= 0.15 * (((xx / out_w - 0.5) ** 2 + (yy / out_h - 0.5) ** 2))
    photo = photo.astype(np.float32) * light[:, :, None] * r.uniform(0.85, 1.0)
    photo = cv2.GaussianBlur(photo, (0, 0), r.uniform(0.6, 1.3))
    photo += np.random.default_rng(letter.seed).normal(0, 4, photo.shape).astype(np.float32)
    photo = np.clip(photo, 0, 255).astype(np.uint8)
    ok, jpg = cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, 78])
    assert ok
    return jpg.tobytes()


def image_pdf(letter: Letter, dpi: int = 200) -> bytes:
    """A scanner's PDF: the page image and no text layer."""
    from PIL import Image

    img = Image.open(io.BytesIO(clean_scan(letter, dpi)))
    buf = io.BytesIO()
    img.save(buf, "PDF", resolution=dpi)
    return buf.getvalue()


@functools.cache
def _register_pdf_fonts(family: str) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = f"Specimen-{family}"
    pdfmetrics.registerFont(TTFont(name, str(font_path(family))))
    return name


def text_pdf(letter: Letter) -> bytes:
    """A PDF made by a word processor: the same layout, with a text layer. Marks are placed without
    shaping (the text layer, which is what is read, is exact either way)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    font = _register_pdf_fonts(letter.font)
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4)
    height = A4[1]
    lead = 16 * 1.05 / 72 * 25.4

    def at(x_mm: float, y_mm: float, s: str, size: float = 16, colour=(0.08, 0.08, 0.08)) -> None:
        c.setFont(font, size)
        c.setFillColorRGB(*colour)
        c.drawString(x_mm * mm, height - y_mm * mm, s)

    def width(s: str, size: float = 16) -> float:
        return c.stringWidth(s, font, size) / mm

    c.setFillColorRGB(0.1, 0.1, 0.1)
    c.circle(105 * mm, height - 20 * mm, 8 * mm, fill=1, stroke=0)
    if letter.priority:
        at(30, 24, letter.priority, 26, (0.8, 0.1, 0.1))
    if letter.receipt:
        for i, line in enumerate(letter.receipt):
            at(146, 15 + i * 6.5, line, 12.8, (0.15, 0.25, 0.65))
    y = 47.0
    at(30, y, f"ที่ {letter.ref_no}")
    for i, line in enumerate(letter.agency + letter.address):
        at(125, y + i * lead, line)
    y += (len(letter.agency) + len(letter.address)) * lead + lead * 0.4
    at(105, y, letter.date_text)
    y += lead * 1.5
    at(30, y, "เรื่อง")
    indent = 30 + width("เรื่อง  ")
    lines, line = [], ""
    for chunk in letter.subject_chunks:
        if line and width(line + chunk) > 190 - indent:
            lines.append(line)
            line = chunk.lstrip()
        else:
            line += chunk
    lines.append(line)
    for i, s in enumerate(lines):
        at(indent, y + i * lead, s)
    y += len(lines) * lead + lead * 0.4
    at(30, y, f"เรียน  {letter.addressee}")
    y += lead * 1.4
    if letter.reference:
        at(30, y, f"อ้างถึง  {letter.reference}", 14)
        y += lead * 1.4
    if letter.enclosure:
        at(30, y, f"สิ่งที่ส่งมาด้วย  {letter.enclosure}")
        y += lead * 1.4
    for para in BODY:
        at(30, y, para, 15)
        y += lead
    c.showPage()
    c.save()
    return buf.getvalue()


CONDITIONS = ("clean", "photo", "pdf-text", "pdf-image")


def specimen(letter: Letter, condition: str) -> tuple[bytes, str]:
    """(file bytes, file name) of *letter* under *condition*."""
    if condition == "clean":
        return clean_scan(letter), f"letter-{letter.seed}.png"
    if condition == "photo":
        return phone_photo(letter), f"letter-{letter.seed}.jpg"
    if condition == "pdf-text":
        return text_pdf(letter), f"letter-{letter.seed}.pdf"
    if condition == "pdf-image":
        return image_pdf(letter), f"letter-{letter.seed}-scan.pdf"
    raise ValueError(condition)
