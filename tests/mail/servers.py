"""Real mail servers on 127.0.0.1 for the mailbox tests: Debian's dovecot (IMAP over TLS, its own
configuration in a temporary directory, unprivileged) and aiosmtpd (SMTP with STARTTLS).

Nothing is mocked: the code under test speaks IMAP and SMTP to them exactly as to a ministry's
mail server. Messages are put into the mailbox with IMAP APPEND, as a mail client would."""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

USER = "saraban"
PASSWORD = "mailbox-test-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_cert(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the tests trust it as their CA file)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)


@dataclass
class Dovecot:
    """An IMAPS server for one user, Maildir in a temporary directory; stop() leaves nothing running."""

    root: Path
    port: int
    cert: Path
    proc: subprocess.Popen | None = None
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.root / "dovecot.log"

    @classmethod
    def start(cls, root: Path, cert: Path, key: Path) -> Dovecot:
        server = cls(root, free_port(), cert)
        server._configure(key)
        binary = dovecot_binary()
        assert binary is not None
        server.proc = subprocess.Popen([binary, "-F", "-c", str(root / "dovecot.conf")],
                                       stdout=subprocess.DEVNULL, stderr=open(root / "stderr.log", "wb"))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if server.proc.poll() is not None:
                raise RuntimeError("dovecot exited: " + (root / "stderr.log").read_text() + server.log_text())
            try:
                socket.create_connection(("127.0.0.1", server.port), timeout=0.5).close()
                return server
            except OSError:
                time.sleep(0.1)
        server.stop()
        raise RuntimeError("dovecot did not listen: " + server.log_text())

    def _configure(self, key: Path) -> None:
        # Dovecot refuses to run mail processes as root; as root, the mail user is "nobody".
        me = pwd.getpwuid(os.getuid())
        root = os.getuid() == 0
        mail_user = pwd.getpwnam("nobody") if root else me
        # as root, dovecot's own unprivileged users (Debian creates them); otherwise ourselves
        internal = "dovecot" if root else me.pw_name
        login = "dovenull" if root else me.pw_name
        home = self.root / "home"
        home.mkdir(exist_ok=True)
        os.chmod(self.root, 0o755)
        if os.getuid() == 0:
            os.chown(home, mail_user.pw_uid, mail_user.pw_gid)
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:::::\n")
        os.chmod(self.root / "passwd", 0o644)
        (self.root / "dovecot.conf").write_text(f"""
base_dir = {self.root}/run
state_dir = {self.root}/state
instance_name = saraban-test-{self.port}
log_path = {self.log}
info_log_path = {self.log}
protocols = imap
listen = 127.0.0.1
default_internal_user = {internal}
default_login_user = {login}
ssl = required
ssl_cert = <{self.cert}
ssl_key = <{key}
disable_plaintext_auth = yes
auth_mechanisms = plain
first_valid_uid = {mail_user.pw_uid}
last_valid_uid = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {self.root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={home}/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service auth {{
  user = $default_internal_user
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
""")

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def client(self) -> imaplib.IMAP4_SSL:
        ctx = ssl.create_default_context(cafile=str(self.cert))
        imap = imaplib.IMAP4_SSL("127.0.0.1", self.port, ssl_context=ctx, timeout=10)
        imap.login(USER, PASSWORD)
        return imap

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        imap = self.client()
        try:
            typ, data = imap.append(folder, None, None, raw)
            assert typ == "OK", data
        finally:
            imap.logout()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None


class SmtpSink:
    """aiosmtpd on a free port, STARTTLS required, keeping every message it is given."""

    def __init__(self, cert: Path, key: Path) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refuse: int | None = None  # an SMTP code to answer DATA with, to test failures
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(str(cert), str(key))
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, tls_context=ctx,
                                     require_starttls=True, ready_timeout=10)

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's handler hook
        if self.refuse is not None:
            return f"{self.refuse} refused by the test"
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 OK"

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


def temp_root() -> Path:
    """Not under pytest's tmp (mode 0700 for root): dovecot's mail user must reach its home."""
    root = Path(tempfile.mkdtemp(prefix="saraban-mail-"))
    os.chmod(root, 0o755)
    return root
