"""One settings class for the whole service (environment prefix ``SARABAN_``, ``.env`` read too)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Values people paste from documentation; running production with one of them is refused.
TELEGRAM_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
PLACEHOLDERS = {"changeme", "change-me", "secret", "xxx", "placeholder", "your-token", "test", "demo-admin-token"}
# A bootstrap secret someone can guess opens the whole register: outside demo mode the admin token
# and the Telegram webhook secret must be long and not one or two repeated characters
# (``saraban admin token`` and ``python -c "import secrets; print(secrets.token_urlsafe(32))"`` give 43).
MIN_SECRET_LENGTH = {"admin_token": 24, "telegram_secret_token": 16}
MIN_DISTINCT_CHARACTERS = 8


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SARABAN_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./saraban.db"
    line_channel_secret: SecretStr | None = None
    line_channel_access_token: SecretStr | None = None
    line_api_base_url: str = "https://api.line.me"
    telegram_bot_token: SecretStr | None = None
    telegram_secret_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_mode: Literal["webhook", "polling"] = "webhook"
    # for the link-code page: the deep link t.me/<username>?start=<code> (``saraban setup telegram`` prints it)
    telegram_bot_username: str | None = None
    line_basic_id: str | None = None  # e.g. @123abcde: the LINE add-friend link on the link-code page
    # A LINE event whose own timestamp is older than this is refused (a replayed delivery); keep it
    # well under the 7 days processed_inbound remembers keys for.
    line_event_max_age_hours: float = Field(default=24.0, gt=0, le=24 * 6)
    # How long the process that recorded a webhook event owns it before a sweep (any process)
    # treats it as left behind by a crash and handles it (bot/durable.py).
    inbound_claim_seconds: float = Field(default=30.0, gt=0)
    admin_token: SecretStr | None = None
    timezone: str = "Asia/Bangkok"
    attachments_dir: str = "./attachments"
    demo: bool = False
    run_worker: bool = True  # ``serve`` runs the outbox deliverer in-process unless told not to
    pin_cpu: bool = True  # a lone server process runs on one CPU core (saraban/affinity.py says why)
    public_url: str = "http://127.0.0.1:8000"
    # The edge (issue 16; docs/guarantees.md has the measured figures): request bodies are limited
    # before they are read (saraban/limits.py), slow clients are cut off (saraban/serving.py), and
    # web chats nobody has linked are answered without a write and rate limited (bot/webchat.py).
    max_webhook_bytes: int = Field(1024 * 1024, ge=1024)
    max_upload_bytes: int = Field(20 * 1024 * 1024, ge=1024)
    max_body_bytes: int = Field(1024 * 1024, ge=1024)
    header_timeout: float = Field(10.0, gt=0)
    max_pending_headers: int = Field(200, ge=1)
    max_connections: int = Field(1000, ge=1)
    webchat_anonymous_per_chat: int = Field(20, ge=1)  # messages a minute from one unlinked chat id
    webchat_anonymous_per_address: int = Field(60, ge=1)  # messages a minute from one client address
    # The saraban mailbox (bot/mail.py): the unit's central e-mail address, read over IMAP, and the
    # SMTP server the receipt notices (แจ้งเลขรับ) leave through. Unset host = the mailbox is off.
    mail_unit: str | None = None  # the unit the mailbox belongs to: its code (e.g. "มท 0201") or id
    mail_imap_host: str | None = None
    mail_imap_port: int = 993
    mail_imap_tls: Literal["ssl", "starttls"] = "ssl"  # never in the clear: the password crosses it
    mail_imap_user: str | None = None
    mail_imap_password: SecretStr | None = None
    mail_imap_folder: str = "INBOX"
    mail_tls_ca_file: str | None = None  # a private CA for the mail servers (default: the system's)
    mail_smtp_host: str | None = None
    mail_smtp_port: int = 587
    mail_smtp_tls: Literal["ssl", "starttls", "none"] = "starttls"  # "none" only for a relay on the same machine
    mail_smtp_user: str | None = None
    mail_smtp_password: SecretStr | None = None
    mail_from: str | None = None  # the receipt notices' sender (default: the IMAP user)
    mail_poll_seconds: float = 60.0
    mail_max_bytes: int = 20 * 1024 * 1024  # a bigger message is set aside unread (it stays in the mailbox)

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> "Settings":
        secret = self.telegram_secret_token.get_secret_value() if self.telegram_secret_token else None
        if secret is not None and not TELEGRAM_SECRET.match(secret):
            # Telegram's own rule for setWebhook's secret_token; another value could never match.
            raise ValueError("SARABAN_TELEGRAM_SECRET_TOKEN ต้องเป็นตัวอักษร A-Z a-z ตัวเลข _ หรือ - ยาว 1-256 ตัว "
                             "(1-256 characters of A-Z, a-z, 0-9, _ and -)")
        if self.demo:
            return self
        if self.telegram_bot_token is not None and self.telegram_mode == "webhook" and secret is None:
            # The secret header is the webhook's only proof that a POST comes from Telegram: without it
            # anyone who finds /webhooks/telegram can act as any linked officer.
            raise ValueError("ต้องตั้ง SARABAN_TELEGRAM_SECRET_TOKEN เมื่อใช้ Telegram แบบ webhook "
                             "หรือใช้ SARABAN_TELEGRAM_MODE=polling (the Telegram webhook needs its secret token)")
        for name in (
            "line_channel_secret",
            "line_channel_access_token",
            "telegram_bot_token",
            "telegram_secret_token",
            "admin_token",
            "mail_imap_password",
            "mail_smtp_password",
        ):
            value = getattr(self, name)
            if value is not None and value.get_secret_value().strip().lower() in PLACEHOLDERS:
                raise ValueError(f"SARABAN_{name.upper()} is a placeholder; set a real secret")
        for name, length in MIN_SECRET_LENGTH.items():
            value = getattr(self, name)
            if value is None:
                continue
            text = value.get_secret_value()
            if len(text) < length or len(set(text)) < MIN_DISTINCT_CHARACTERS:
                raise ValueError(f"SARABAN_{name.upper()} is too weak: use at least {length} random characters "
                                 f"(e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')")
        return self

    @property
    def line_enabled(self) -> bool:
        return bool(self.line_channel_secret and self.line_channel_access_token)

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token)

    @property
    def mail_enabled(self) -> bool:
        return bool(self.mail_imap_host and self.mail_imap_user and self.mail_imap_password and self.mail_unit)

    @property
    def mail_smtp_enabled(self) -> bool:
        return bool(self.mail_smtp_host)


@lru_cache
def get_settings() -> Settings:
    return Settings()
