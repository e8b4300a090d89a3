"""A real dovecot (IMAPS) and a real aiosmtpd (STARTTLS) on 127.0.0.1 for each test, and the
settings that point the saraban mailbox at them."""

from __future__ import annotations

import shutil

import pytest

from tests.mail.servers import PASSWORD, USER, Dovecot, SmtpSink, dovecot_binary, make_cert, temp_root

UNIT = "มท 0201"
OUR_ADDRESS = "saraban@kk.moi.go.th"


@pytest.fixture
def mail_root():
    root = temp_root()
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def tls(mail_root):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    return make_cert(mail_root)


@pytest.fixture
def imap_server(mail_root, tls):
    if dovecot_binary() is None:
        pytest.skip("dovecot-imapd is not installed (scripts/ensure-system-deps.sh dovecot-imapd)")
    (mail_root / "dovecot").mkdir()
    server = Dovecot.start(mail_root / "dovecot", *tls)
    yield server
    server.stop()


@pytest.fixture
def smtp_server(tls):
    sink = SmtpSink(*tls).start()
    yield sink
    sink.stop()


@pytest.fixture
def mail_settings(database_url, imap_server, smtp_server, tls):
    from saraban.settings import Settings

    return Settings(database_url=database_url, demo=True, run_worker=False, mail_unit=UNIT,
                    mail_imap_host="127.0.0.1", mail_imap_port=imap_server.port, mail_imap_tls="ssl",
                    mail_imap_user=USER, mail_imap_password=PASSWORD, mail_tls_ca_file=str(tls[0]),
                    mail_smtp_host="127.0.0.1", mail_smtp_port=smtp_server.port, mail_smtp_tls="starttls",
                    mail_from=OUR_ADDRESS, mail_poll_seconds=0.2)
