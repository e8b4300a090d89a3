"""One settings class for the whole service (environment prefix ``SARABAN_``, ``.env`` read too)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Values people paste from documentation; running production with one of them is refused.
PLACEHOLDERS = {"changeme", "change-me", "secret", "xxx", "placeholder", "your-token", "test"}


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
    admin_token: SecretStr | None = None
    timezone: str = "Asia/Bangkok"
    attachments_dir: str = "./attachments"
    demo: bool = False
    run_worker: bool = True  # ``serve`` runs the outbox deliverer in-process unless told not to
    pin_cpu: bool = True  # a lone server process runs on one CPU core (saraban/affinity.py says why)
    public_url: str = "http://127.0.0.1:8000"
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
        if self.demo:
            return self
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
