"""The saraban mailbox: a unit's central e-mail address as a channel, like LINE.

In: ``MailboxReader.poll`` reads the unit's IMAP folder (TLS always) from the first UID it has not
taken in. Each message becomes, in one transaction (registry.mailbox.take_in), a draft
registration whose card goes to the unit's clerks through the outbox, with its PDF/image files and
the original e-mail (.eml) stored as received; a message that cannot be read is set aside with
its reason (its .eml kept when there is one). Messages are fetched with BODY.PEEK and never
flagged, moved or deleted: the mailbox stays as the sender's agency delivered it.

Out: ``MailGateway`` is the outbox's ``mail`` channel: the receipt notice (แจ้งเลขรับ) the clerk's
[ยืนยัน] queued is sent to the sender by SMTP (STARTTLS or TLS), with a Message-ID made from the
notice's retry key, so a notice sent twice after a lost answer is recognisably one message.

Exactly once: a message is recorded under (mailbox, UIDVALIDITY, UID) and its Message-ID; a reader
stopped mid-mailbox (a crash, a restart, a dropped connection) starts the next time after the last
UID it recorded, and any message it was in the middle of was not recorded at all.

The stdlib's imaplib, smtplib and email (policy.default) are used: they are the well-kept
implementations of these protocols; nothing here parses IMAP or MIME by hand.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import email.utils
import imaplib
import logging
import re
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from html.parser import HTMLParser
from typing import Any

from bot.gateway import SendFailed
from handlers.mail_drafts import VERIFY_LABEL, complete, looks_like_letter, read_fields
from handlers.models import Reply
from registry.attachments import MAX_BYTES, StoredFile, sniff, store_file
from registry.errors import RegistryError
from registry.runtime import Runtime

log = logging.getLogger("saraban.mail")

CHANNEL = "mail"
TIMEOUT = 60.0  # seconds for one IMAP/SMTP exchange
# Defects that mean the MIME structure itself is broken: what we would read from it is a guess.
SERIOUS_DEFECTS = ("StartBoundaryNotFoundDefect", "CloseBoundaryNotFoundDefect", "MultipartInvariantViolationDefect",
                   "MissingHeaderBodySeparatorDefect", "InvalidBase64PaddingDefect", "InvalidBase64CharactersDefect",
                   "InvalidBase64LengthDefect", "NoBoundaryInMultipartDefect", "MisplacedEnvelopeHeaderDefect")


class Unreadable(Exception):
    """A message set aside: the reason, in Thai, as the clerks will read it on the web."""


@dataclass
class PollReport:
    drafts: int = 0
    set_aside: int = 0
    seen: int = 0  # already taken in (another reader, or a repeat)
    errors: list[str] = field(default_factory=list)


@dataclass
class Reading:
    """What was read from one message."""

    message_id: str | None
    from_address: str | None
    from_name: str | None
    subject: str | None
    received_at: dt.datetime
    files: list[tuple[bytes, str, str | None]]  # (bytes, content type decided from the bytes, filename)
    other_files: list[str]  # attachments that are not a letter's pages (kept inside the .eml)
    body: str
    fields: dict[str, Any]


def tls_context(settings: Any) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=settings.mail_tls_ca_file or None)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


# --- reading the mailbox ---------------------------------------------------------------------------

class MailboxReader:
    """Reads one unit's folder; safe to run beside another reader of the same mailbox (the
    database's unique keys decide who took a message in)."""

    def __init__(self, runtime: Runtime, settings: Any) -> None:
        self.runtime = runtime
        self.settings = settings
        self.mailbox = f"{settings.mail_imap_user}@{settings.mail_imap_host}/{settings.mail_imap_folder}"
        self._unit_id: int | None = None

    def unit_id(self) -> int:
        if self._unit_id is None:
            from registry.units import get_unit

            with self.runtime.read() as session:
                self._unit_id = get_unit(session, str(self.settings.mail_unit)).id
        return self._unit_id

    def connect(self) -> imaplib.IMAP4:
        s = self.settings
        if s.mail_imap_tls == "ssl":
            imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(s.mail_imap_host, s.mail_imap_port, ssl_context=tls_context(s),
                                                    timeout=TIMEOUT)
        else:
            imap = imaplib.IMAP4(s.mail_imap_host, s.mail_imap_port, timeout=TIMEOUT)
            imap.starttls(ssl_context=tls_context(s))
        imap.login(s.mail_imap_user, s.mail_imap_password.get_secret_value())
        return imap

    def poll(self, *, limit: int | None = None) -> PollReport:
        """Take in the messages not yet taken in (at most *limit*), oldest first."""
        from registry.mailbox import last_uid

        report = PollReport()
        unit_id = self.unit_id()
        imap = self.connect()
        try:
            typ, _ = imap.select(_quote(self.settings.mail_imap_folder), readonly=True)
            if typ != "OK":
                raise RuntimeError(f"IMAP folder {self.settings.mail_imap_folder!r} cannot be opened")
            uidvalidity = int(imap.response("UIDVALIDITY")[1][0])
            with self.runtime.read() as session:
                after = last_uid(session, self.mailbox, uidvalidity)
            typ, data = imap.uid("SEARCH", None, f"UID {after + 1}:*")
            uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > after)  # n:* always names the last
            for uid in uids[:limit]:
                self._take(imap, unit_id, uidvalidity, uid, report)
        finally:
            try:
                imap.logout()
            except (imaplib.IMAP4.error, OSError):
                pass
        if report.drafts or report.set_aside:
            log.info("mailbox %s: %d drafts, %d set aside", self.mailbox, report.drafts, report.set_aside)
        return report

    def _take(self, imap: imaplib.IMAP4, unit_id: int, uidvalidity: int, uid: int, report: PollReport) -> None:
        from registry.mailbox import take_in

        _typ, data = imap.uid("FETCH", str(uid), "(RFC822.SIZE INTERNALDATE)")
        meta = _fetched_meta(data)
        received_at = meta.get("internaldate") or self.runtime.clock.now()
        raw: bytes | None = None
        reason: str | None = None
        # never more than the file store takes, so the .eml of anything read can always be kept
        limit = min(self.settings.mail_max_bytes, MAX_BYTES)
        if meta.get("size", 0) > limit:
            reason = (f"อีเมลใหญ่เกินไป ({meta['size'] / (1024 * 1024):.1f} MB; สูงสุด {limit // (1024 * 1024)} MB) "
                      "จึงไม่ได้อ่าน อีเมลยังอยู่ในกล่องจดหมายของหน่วยงาน")
        else:
            _typ, data = imap.uid("FETCH", str(uid), "(BODY.PEEK[])")
            raw = _fetched_body(data)
            if raw is None:
                reason = "ดึงข้อความจากเซิร์ฟเวอร์อีเมลไม่ได้"
        reading: Reading | None = None
        if raw:
            try:
                reading = read_message(raw, received_at=received_at, today=_local_today(self.runtime))
            except Unreadable as exc:
                reason = str(exc)
            except Exception as exc:  # noqa: BLE001 - whatever a hostile message does, it is set aside
                log.exception("reading message uid %s failed", uid)
                reason = f"อ่านอีเมลไม่ได้ ({type(exc).__name__})"
        header = _headers_only(raw) if reading is None else None
        files: list[StoredFile] = []
        directory = self.runtime.attachments_dir
        if raw:
            try:
                files = [store_file(directory, data_, content_type=kind, filename=name)
                         for data_, kind, name in (reading.files if reading is not None else [])]
            except RegistryError as exc:  # a letter file the store refuses: the message is set aside whole
                reason, reading, files = exc.message_th, None, []
                header = _headers_only(raw)
            # the original as received (non-empty and within MAX_BYTES: the store takes it)
            files.append(store_file(directory, raw, filename=f"email-{uid}.eml", email=True))
        elif raw is not None:
            reason = "อีเมลว่างเปล่า"
        source = reading or header
        with self.runtime.transaction() as session:
            row = take_in(session, unit_id=unit_id, mailbox=self.mailbox, uidvalidity=uidvalidity, uid=uid,
                          message_id=getattr(source, "message_id", None), from_address=getattr(source, "from_address", None),
                          from_name=getattr(source, "from_name", None), mail_subject=getattr(source, "subject", None),
                          fields=(reading.fields if reading is not None else {}) | (
                              {"other_files": reading.other_files} if reading and reading.other_files else {}),
                          files=files, received_at=received_at, reason=reason, clock=self.runtime.clock)
        if row is None:
            report.seen += 1
        elif row.status == "draft":
            report.drafts += 1
        else:
            report.set_aside += 1


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _local_today(runtime: Runtime) -> dt.date:
    from registry.timeutil import local

    return local(runtime.clock.now()).date()


_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


def _fetched_meta(data: list) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in data or []:
        line = item[0] if isinstance(item, tuple) else item
        if not isinstance(line, bytes):
            continue
        m = _SIZE.search(line)
        if m:
            out["size"] = int(m.group(1))
        t = imaplib.Internaldate2tuple(line)
        if t is not None:
            import time

            out["internaldate"] = dt.datetime.fromtimestamp(time.mktime(t), dt.UTC)
    return out


def _fetched_body(data: list) -> bytes | None:
    for item in data or []:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


@dataclass
class _Header:
    message_id: str | None
    from_address: str | None
    from_name: str | None
    subject: str | None


def _headers_only(raw: bytes | None) -> _Header | None:
    """What can still be said of a message set aside (best effort: the headers may be broken too)."""
    if not raw:
        return None
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        name, address = _sender(msg)
        return _Header(_message_id(msg), address, name, _clean(str(msg.get("Subject") or "")) or None)
    except Exception:  # noqa: BLE001
        return None


# --- reading one message -----------------------------------------------------------------------------

def read_message(raw: bytes, *, received_at: dt.datetime, today: dt.date) -> Reading:
    """Parse the e-mail and read its letter: files (PDF and images, the type decided from the
    bytes), the body text, and the letter fields (nlp's parser over the body and each PDF's text
    layer). Raises Unreadable with the reason when the message is not one we can trust."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    defects = _serious_defects(msg)
    if defects:
        raise Unreadable("โครงสร้างอีเมลเสียหาย อ่านไฟล์แนบไม่ได้แน่นอน (" + ", ".join(sorted(defects)) + ")")
    name, address = _sender(msg)
    if not address:
        raise Unreadable("อีเมลไม่มีที่อยู่ผู้ส่ง (From) จึงแจ้งเลขรับกลับไม่ได้")
    files: list[tuple[bytes, str, str | None]] = []
    others: list[str] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        if part.get_content_maintype() == "text" and part.get_content_disposition() != "attachment":
            continue  # the body, read below
        try:
            payload = part.get_payload(decode=True)
        except Exception as exc:  # noqa: BLE001
            raise Unreadable(f"ถอดรหัสไฟล์แนบไม่ได้ ({part.get_filename() or part.get_content_type()})") from exc
        if not payload:
            continue
        kind = sniff(payload)  # the bytes decide, never the declared type
        filename = part.get_filename()
        if kind is not None and kind in ("application/pdf", "image/jpeg", "image/png", "image/webp", "image/gif", "image/heic"):
            files.append((payload, kind, _clean(filename or "") or None))
        else:
            others.append(_clean(filename or part.get_content_type()))
    body = _body_text(msg)
    # the letter's page read by scan/ (a PDF's text layer, or OCR of an image or image-only PDF,
    # through the letter's layout): the first attachment that reads as a letter gives the fields,
    # and those scan/ could not trust join fields["doubtful"]
    fields = read_fields([], body, today=today, scanned=read_pages(files, today=today))
    if not files and not looks_like_letter(fields):
        raise Unreadable("ไม่พบหนังสือในอีเมลนี้ (ไม่มีไฟล์ PDF หรือรูปภาพ และเนื้อความไม่ใช่หนังสือราชการ)")
    subject = _clean(str(msg.get("Subject") or "")) or None
    fields = complete(fields, mail_subject=subject, from_name=name, from_address=address)
    return Reading(_message_id(msg), address, name, subject, received_at, files, others, body, fields)


def _serious_defects(msg: EmailMessage) -> set[str]:
    found: set[str] = set()
    for part in msg.walk():
        for defect in getattr(part, "defects", []):
            if type(defect).__name__ in SERIOUS_DEFECTS:
                found.add(type(defect).__name__)
    return found


def _sender(msg: EmailMessage) -> tuple[str | None, str | None]:
    raw = msg.get("Reply-To") or msg.get("From")
    if raw is None:
        return None, None
    name, address = email.utils.parseaddr(str(raw))
    address = address.strip()
    if "@" not in address or any(c in address for c in "\r\n ,;<>"):
        return _clean(name) or None, None
    if msg.get("From") and msg.get("Reply-To"):  # the agency's name is in From, its answer address in Reply-To
        name = email.utils.parseaddr(str(msg.get("From")))[0] or name
    return _clean(name) or None, address


def _message_id(msg: EmailMessage) -> str | None:
    value = str(msg.get("Message-ID") or "").strip()
    return value[:255] or None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(text: str) -> str:
    return " ".join(_CONTROL.sub("", text).split())


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("br", "p", "div", "tr", "li"):
            self.parts.append("\n")


def _body_text(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = part.get_content()
    except (LookupError, ValueError):  # an unknown charset: read what can be read
        text = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    if part.get_content_subtype() == "html":
        parser = _Text()
        parser.feed(text)
        text = "".join(parser.parts)
    return _CONTROL.sub("", text).strip()


MAX_PAGES_READ = 3  # attachments read per e-mail at most (OCR costs about a second a page)


def read_pages(files: list[tuple[bytes, str, str | None]], *, today: dt.date) -> list[tuple[dict[str, Any], list[str]]]:
    """(fields, doubtful) of the first attachment that reads as a letter (scan.read: PDF text
    layer or Thai OCR); none when no attachment does. A file scan/ cannot read is skipped: it
    still reaches the clerk as a file."""
    import scan

    tried = 0
    for data, kind, name in files:
        if tried >= MAX_PAGES_READ:
            break
        if not scan.check(data, kind).ok:
            continue  # a GIF or HEIC photo: kept, not read
        tried += 1
        try:
            result = scan.read(data, name, declared=kind, today=today)
        except scan.ScanError:
            continue
        except Exception:  # noqa: BLE001 - a reader bug costs the reading, never the e-mail
            log.warning("reading attachment %s failed", name, exc_info=True)
            continue
        found, doubtful = result.fields(), list(result.doubtful)
        if result.source == "pdf-text":
            found, doubtful = _fill_from_text(found, doubtful, result.text, today)
        if found.get("subject") or found.get("sender"):
            return [(found, doubtful)]
    return []


def _fill_from_text(found: dict[str, Any], doubtful: list[str], text: str, today: dt.date):
    """A text-layer PDF not in the official layout (a memo, a letter typed flush left): the fields
    the layout reader did not find are taken from the parser's reading of the whole page, as
    before scan/ — exact characters, but perhaps a decoy's (an อ้างถึง's date), so they stay marked."""
    from nlp.parse import parse_message

    missing = [n for n in ("ref_no", "letter_date", "sender", "subject", "addressee") if not found.get(n)]
    if not missing or not text.strip():
        return found, doubtful
    result = parse_message(text[:8000], today=today)
    if result.intent not in ("register_incoming", "register_outgoing"):
        result = parse_message("ลงรับ\n" + text[:8000], today=today)
    out = dict(found)
    for name in missing:
        value = result.value(name)
        if value not in (None, ""):
            out[name] = value
            doubtful = [*doubtful, name] if name not in doubtful else doubtful
    return out, doubtful


# --- sending receipt notices (the outbox's "mail" channel) --------------------------------------------

class MailGateway:
    """ChatGateway for the ``mail`` channel: a notice is one e-mail to *chat_id* (an address)."""

    channel = CHANNEL

    def __init__(self, settings: Any) -> None:
        self.settings = settings
        self.sender = settings.mail_from or settings.mail_imap_user or settings.mail_smtp_user

    async def send(self, chat_id: str, replies: list[Reply], *, retry_key: str, skip: int = 0) -> None:
        # *skip* (parts a platform already showed) never applies: a receipt is one e-mail
        await asyncio.to_thread(self.send_sync, chat_id, replies, retry_key=retry_key)

    def compose(self, to: str, replies: list[Reply], *, retry_key: str) -> EmailMessage:
        first = replies[0]
        subject = first.card.title if first.card is not None else first.text.splitlines()[0]
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = email.utils.formatdate(localtime=False)
        domain = (self.sender or "saraban.invalid").rpartition("@")[2] or "saraban.invalid"
        msg["Message-ID"] = f"<{retry_key}@{domain}>"  # the same on every retry of this notice
        msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no autoresponder answers it
        msg.set_content("\n\n".join(r.text for r in replies))
        urls = [f.value for r in replies if r.card is not None for f in r.card.fields
                if f.label == VERIFY_LABEL and f.value.startswith(("https://", "http://"))]
        if urls:  # the receipt's /verify/<code> as a QR code the sender can scan from paper or screen
            from scan.qr import png

            msg.add_attachment(png(urls[0]), maintype="image", subtype="png", filename="verify-qr.png")
        return msg

    def send_sync(self, to: str, replies: list[Reply], *, retry_key: str) -> None:
        s = self.settings
        msg = self.compose(to, replies, retry_key=retry_key)
        try:
            if s.mail_smtp_tls == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.mail_smtp_host, s.mail_smtp_port, timeout=TIMEOUT,
                                                      context=tls_context(s))
            else:
                smtp = smtplib.SMTP(s.mail_smtp_host, s.mail_smtp_port, timeout=TIMEOUT)
            with smtp:
                if s.mail_smtp_tls == "starttls":
                    smtp.starttls(context=tls_context(s))
                if s.mail_smtp_user and s.mail_smtp_password:
                    smtp.login(s.mail_smtp_user, s.mail_smtp_password.get_secret_value())
                smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise SendFailed(f"SMTP refused {to}: {exc.recipients}", permanent=all(c >= 500 for c in codes)) from exc
        except smtplib.SMTPResponseException as exc:
            raise SendFailed(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", permanent=exc.smtp_code >= 500) from exc
        except (smtplib.SMTPException, OSError, socket.timeout) as exc:
            raise SendFailed(f"SMTP: {exc!r}") from exc


# --- running ---------------------------------------------------------------------------------------

async def poll_forever(reader: MailboxReader, *, interval: float, stop: asyncio.Event) -> None:
    """The mailbox beside the outbox deliverer: poll, wait, again; a failing server is logged and
    tried again at the next turn (nothing is lost: the mailbox keeps the messages)."""
    from handlers.stamped import stamp_waiting

    while not stop.is_set():
        try:
            await asyncio.to_thread(reader.poll)
        except Exception:  # noqa: BLE001
            log.exception("reading the mailbox %s failed", reader.mailbox)
        try:  # the receipt stamps of letters just registered, drawn outside their transactions
            await asyncio.to_thread(stamp_waiting, reader.runtime)
        except Exception:  # noqa: BLE001
            log.exception("drawing receipt stamps failed")
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except TimeoutError:
            pass


async def run_mail(runtime: Runtime, settings: Any, *, once: bool = False) -> dict[str, int]:
    """``saraban mail``: read the mailbox (and deliver the mail channel's receipt notices when SMTP
    is configured) once, or until SIGINT/SIGTERM."""
    import signal

    from bot.deliver import Deliverer

    reader = MailboxReader(runtime, settings)
    gateways = {CHANNEL: MailGateway(settings)} if settings.mail_smtp_enabled else {}
    deliverer = Deliverer(runtime, gateways)
    deliverer.schedule_reminders = False  # the outbox worker's job; this command owns the mailbox only
    if once:
        from handlers.stamped import stamp_waiting

        report = await asyncio.to_thread(reader.poll)
        stamped = await asyncio.to_thread(stamp_waiting, runtime)
        sent = (await deliverer.run_once()).sent if gateways else 0
        return {"drafts": report.drafts, "set_aside": report.set_aside, "seen": report.seen, "stamped": stamped,
                "receipts_sent": sent}
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, lambda: (stop.set(), deliverer.stop()))
        except NotImplementedError:  # pragma: no cover - not on POSIX
            pass
    tasks = [asyncio.create_task(poll_forever(reader, interval=settings.mail_poll_seconds, stop=stop))]
    if gateways:
        tasks.append(asyncio.create_task(deliverer.run_forever()))
    await asyncio.gather(*tasks)
    return {}
