"""``saraban setup telegram --webhook-url URL``: put a Telegram bot in working order.

- ``setWebhook`` with the secret token (``SARABAN_TELEGRAM_SECRET_TOKEN``) and the update types
  the bot handles (messages and button presses), only when ``getWebhookInfo`` shows another URL
  or other update types. Telegram never shows the secret back, so after changing the secret run
  it with ``--force``.
- ``setMyCommands`` in Thai, for private chats and for groups, for ``language_code`` th and for
  the default (users whose app is in another language), each only when ``getMyCommands`` differs.
- The chat menu button shows the commands (``setChatMenuButton``), when it does not already.
- Reports ``getMe`` and ``getWebhookInfo`` (pending updates, last error).

``--dry-run`` reads and prints what it would set. A refused call ends the command with a Thai
message (exit 1). The real python-telegram-bot v22 ``Bot``, pointed at
``SARABAN_TELEGRAM_API_BASE_URL``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    MenuButtonCommands,
)
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

from bot.setup_line import SetupRefused

T = TypeVar("T")

# What bot.telegram turns into an Inbound (a message: text, file, photo, joins; a button press).
ALLOWED_UPDATES = ("message", "callback_query")
MAX_CONNECTIONS = 40

# The commands the conversation understands as written (nlp.intents reads "/mytasks" as งานของฉัน).
PRIVATE_COMMANDS = (
    ("start", "เริ่มต้นใช้งานและวิธีผูกบัญชี"),
    ("mytasks", "งานของฉัน: เรื่องที่รอท่านรับทราบ"),
    ("search", "ค้นหาหนังสือตามเรื่อง จาก หรือเลขรับ เช่น /search อุทกภัย"),
    ("status", "สถานะของเรื่อง เช่น /status 15"),
    ("help", "ช่วยเหลือ: สิ่งที่บอตทำได้"),
)
GROUP_COMMANDS = PRIVATE_COMMANDS[1:]
SCOPES = (("แชตส่วนตัว", BotCommandScopeAllPrivateChats, PRIVATE_COMMANDS),
          ("กลุ่ม", BotCommandScopeAllGroupChats, GROUP_COMMANDS))
LANGUAGES = ("th", None)  # Thai, and the default for every other app language


def _thai_time(when: dt.datetime | None) -> str:
    if when is None:
        return "-"
    local = when.astimezone(dt.timezone(dt.timedelta(hours=7)))
    return f"{local:%d/%m}/{local.year + 543} {local:%H:%M} น."


@dataclass
class TelegramSetup:
    token: str
    base_url: str
    secret_token: str | None
    dry_run: bool = False
    force: bool = False
    say: Callable[[str], None] = print
    changes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.bot = Bot(self.token, base_url=self.base_url.rstrip("/"),
                       request=HTTPXRequest(connect_timeout=10, read_timeout=20))

    async def _call(self, what_th: str, coro: Awaitable[T]) -> T:
        try:
            return await coro
        except TelegramError as exc:
            raise SetupRefused(f"Telegram ปฏิเสธการ{what_th}: {exc.message}") from None

    async def _change(self, what_th: str, make: Callable[[], Awaitable[Any]]) -> None:
        self.changes.append(what_th)
        if self.dry_run:
            self.say(f"  [ทดลอง] จะ{what_th}")
            return
        await self._call(what_th, make())
        self.say(f"  {what_th} แล้ว")

    async def run(self, webhook_url: str) -> None:
        if not webhook_url.startswith("https://"):
            raise SetupRefused("Telegram รับเฉพาะ webhook แบบ HTTPS: ใช้ --webhook-url https://…/webhooks/telegram ค่ะ")
        async with self.bot:
            me = await self._call("อ่านข้อมูลบอต", self.bot.get_me())
            self.say(f"บอต: {me.first_name} (@{me.username})")
            self.say(f"  ลิงก์ผูกบัญชีในหน้า /admin/link-codes: ตั้ง SARABAN_TELEGRAM_BOT_USERNAME={me.username}")
            await self.webhook(webhook_url)
            await self.commands()
            await self.menu_button()
            await self.report()
        self.say("ตั้งค่า Telegram เสร็จแล้วค่ะ" if self.changes else "Telegram ตั้งค่าครบอยู่แล้ว ไม่มีอะไรต้องเปลี่ยนค่ะ")

    async def webhook(self, url: str) -> None:
        info = await self._call("อ่านข้อมูล webhook", self.bot.get_webhook_info())
        same = (info.url == url and set(info.allowed_updates or ()) == set(ALLOWED_UPDATES)
                and info.max_connections == MAX_CONNECTIONS)
        if same and not self.force:
            self.say(f"webhook: {url} (ตั้งไว้แล้ว)")
            return
        await self._change(f"ตั้ง webhook เป็น {url}", lambda: self.bot.set_webhook(
            url, secret_token=self.secret_token, allowed_updates=list(ALLOWED_UPDATES),
            max_connections=MAX_CONNECTIONS))

    async def commands(self) -> None:
        for place, scope_type, wanted in SCOPES:
            for lang in LANGUAGES:
                scope = scope_type()
                have = await self._call("อ่านคำสั่งของบอต",
                                        self.bot.get_my_commands(scope=scope, language_code=lang))
                if [(c.command, c.description) for c in have] == list(wanted):
                    continue
                commands = [BotCommand(c, d) for c, d in wanted]
                await self._change(f"ตั้งคำสั่งสำหรับ{place} ({lang or 'ภาษาเริ่มต้น'})",
                                   lambda s=scope, c=commands, lg=lang: self.bot.set_my_commands(
                                       c, scope=s, language_code=lg))

    async def menu_button(self) -> None:
        button = await self._call("อ่านปุ่มเมนู", self.bot.get_chat_menu_button())
        if button.type == MenuButtonCommands().type:
            return
        await self._change("ตั้งปุ่มเมนูให้แสดงคำสั่ง",
                           lambda: self.bot.set_chat_menu_button(menu_button=MenuButtonCommands()))

    async def report(self) -> None:
        info = await self._call("อ่านข้อมูล webhook", self.bot.get_webhook_info())
        self.say(f"getWebhookInfo: url={info.url or '-'} รอส่ง {info.pending_update_count} รายการ "
                 f"ประเภท {','.join(info.allowed_updates or ()) or '-'}")
        if info.last_error_date is not None:
            self.say(f"ข้อผิดพลาดล่าสุด: {_thai_time(info.last_error_date)} {info.last_error_message}")
        else:
            self.say("ข้อผิดพลาดล่าสุด: ไม่มี")
