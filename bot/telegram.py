"""Telegram Bot API adapter (python-telegram-bot v22), inside the FastAPI app.

Follows PTB's custom-webhook pattern: an ``Application`` built with ``updater=None`` and
``base_url = settings.telegram_api_base_url``; the webhook route checks the secret token header
(``X-Telegram-Bot-Api-Secret-Token``: wrong → 403, nothing written) and hands the update to
``application.process_update``. With ``SARABAN_TELEGRAM_MODE=polling`` the same Application polls
(started and stopped with the app) and its updates reach the same callback.

Each update goes through bot.pipeline (the chat's lock, the handlers on a thread recording
``telegram:<update_id>`` in their transaction so a resent update is ignored, the answer, the
outbox for what could not be sent). Every callback query is answered (Telegram shows a spinner
until it is); answers are HTML with inline keyboards, one message per reply unless it is longer
than 4,096 characters. A reply cut short by a 429 is queued from the first message not sent,
due when Telegram's retry_after says, so no part is ever shown twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import logging
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler

from bot import intake, render_telegram
from bot.links import absolute
from bot.gateway import SendFailed
from bot.pipeline import ChatPipeline
from handlers.models import FileRef, Inbound, Reply
from registry.runtime import Runtime

if TYPE_CHECKING:
    from bot.deliver import Deliverer

log = logging.getLogger("saraban.telegram")


def file_base_url(api_base_url: str) -> str:
    """``https://api.telegram.org/bot`` → ``https://api.telegram.org/file/bot`` (the download host)."""
    base = api_base_url.rstrip("/")
    if base.endswith("/bot"):
        return base[: -len("/bot")] + "/file/bot"
    return base + "/file/bot"


def _seconds(value: Any) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def _failure(exc: Exception) -> SendFailed:
    if isinstance(exc, RetryAfter):
        return SendFailed(f"Telegram 429: {exc}", retry_after=_seconds(exc.retry_after), scope="chat")
    if isinstance(exc, Forbidden | BadRequest | InvalidToken | ChatMigrated):
        return SendFailed(f"Telegram refused: {exc}", permanent=True)
    return SendFailed(f"Telegram unreachable: {exc!r}", scope="channel")


def markup(msg: render_telegram.TgMessage) -> InlineKeyboardMarkup | None:
    if not msg.keyboard:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b["text"], url=b["url"]) if "url" in b
                                  else InlineKeyboardButton(b["text"], callback_data=b["callback_data"]) for b in row]
                                 for row in msg.keyboard])


class TelegramChannel:
    channel = "telegram"

    def __init__(self, runtime: Runtime, *, token: str, secret_token: str | None, api_base_url: str,
                 mode: str = "webhook", timeout: float = 10.0, allow_unsigned: bool = False) -> None:
        if secret_token is None and mode != "polling" and not allow_unsigned:
            raise ValueError("a Telegram webhook needs a secret token outside demo mode")
        self.runtime = runtime
        self.secret_token = secret_token
        self.mode = mode
        self.timeout = timeout
        self.pipeline = ChatPipeline(runtime, "telegram")
        builder = (Application.builder().token(token).base_url(api_base_url.rstrip("/"))
                   .base_file_url(file_base_url(api_base_url)).read_timeout(timeout).write_timeout(timeout)
                   .connect_timeout(timeout).pool_timeout(timeout))
        if mode != "polling":
            builder = builder.updater(None)
        else:
            builder = builder.get_updates_read_timeout(timeout + 20)
        self.application: Application = builder.build()
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self._started = False
        self._start_lock: asyncio.Lock | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        if secret_token is None and mode != "polling":
            log.warning("SARABAN_TELEGRAM_SECRET_TOKEN is not set (demo mode only): anyone who finds "
                        "/webhooks/telegram can post updates")

    @property
    def deliverer(self) -> Deliverer | None:
        return self.pipeline.deliverer

    @deliverer.setter
    def deliverer(self, value: Deliverer | None) -> None:
        self.pipeline.deliverer = value

    @property
    def bot(self):
        return self.application.bot

    # --- lifecycle ---------------------------------------------------------------------------------
    async def start(self) -> None:
        if self._started:
            return
        if self._start_lock is None:
            self._start_lock = asyncio.Lock()
        async with self._start_lock:
            if self._started:
                return
            self._loop = asyncio.get_running_loop()
            await self.application.initialize()  # getMe: fails loudly on a wrong token
            if self.mode == "polling":
                await self.application.bot.delete_webhook()
                await self.application.start()
                assert self.application.updater is not None
                await self.application.updater.start_polling(poll_interval=0.0, timeout=10)
            self._started = True

    async def stop(self) -> None:
        if not self._started:
            return
        if self.mode == "polling":
            if self.application.updater and self.application.updater.running:
                await self.application.updater.stop()
            if self.application.running:
                await self.application.stop()
        await self.application.shutdown()
        self.pipeline.close()
        self._started = False

    # --- webhook -----------------------------------------------------------------------------------
    def router(self) -> APIRouter:
        router = APIRouter()

        @router.post("/webhooks/telegram", include_in_schema=False)
        async def telegram_webhook(request: Request) -> JSONResponse:
            if self.secret_token is not None:
                given = request.headers.get("x-telegram-bot-api-secret-token", "")
                if not hmac.compare_digest(given.encode(), self.secret_token.encode()):
                    return JSONResponse({"ok": False}, status_code=403)
            try:
                data = await request.json()
            except ValueError:
                return JSONResponse({"ok": False, "description": "invalid JSON"}, status_code=400)
            await self.start()
            try:
                update = Update.de_json(data, self.bot)
            except Exception as exc:  # an update we cannot read: 200, or Telegram would resend it forever
                update_id = data.get("update_id") if isinstance(data, dict) else None
                log.warning("unreadable Telegram update %s skipped: %s: %s", update_id, exc.__class__.__name__,
                            str(exc)[:200])
                return JSONResponse({"ok": True})
            await self.application.process_update(update)
            return JSONResponse({"ok": True})

        return router

    # --- one update (webhook and polling) -------------------------------------------------------------
    def to_inbound(self, update: Update) -> Inbound | None:
        key = f"telegram:{update.update_id}"
        now = self.runtime.clock.now()
        cq = update.callback_query
        if cq is not None:
            chat = cq.message.chat if cq.message is not None else None
            chat_id = str(chat.id) if chat is not None else str(cq.from_user.id)
            return Inbound(channel="telegram", event_id=key, account_id=str(cq.from_user.id), chat_id=chat_id,
                           kind="button", payload=cq.data or "", at=now, display_name=cq.from_user.full_name,
                           is_group=chat is not None and chat.type != "private")
        msg = update.message
        if msg is None:
            return None  # edited messages, channel posts, member updates: recorded, not answered
        user = msg.from_user
        common = dict(channel="telegram", event_id=key, account_id=str(user.id if user else msg.chat.id),
                      chat_id=str(msg.chat.id), at=msg.date or now,
                      display_name=user.full_name if user else None, is_group=msg.chat.type != "private")
        if msg.text is not None:
            return Inbound(kind="text", text=msg.text, **common)
        if msg.document is not None:
            d = msg.document
            return Inbound(kind="file", file=FileRef(d.file_id, d.file_name, d.mime_type, d.file_size),
                           text=msg.caption, **common)  # a caption that is a header registers with the file
        if msg.photo:
            p = max(msg.photo, key=lambda s: (s.file_size or 0, s.width * s.height))
            return Inbound(kind="image", file=FileRef(p.file_id, None, "image/jpeg", p.file_size), text=msg.caption,
                           **common)
        if msg.new_chat_members:
            return Inbound(kind="join", **common)
        if msg.caption is not None:
            return Inbound(kind="text", text=msg.caption, **common)
        return Inbound(kind="other", **common)

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        key = f"telegram:{update.update_id}"
        try:
            inbound = self.to_inbound(update)
        except Exception as exc:  # noqa: BLE001 - a field we cannot read: recorded, not answered
            log.warning("Telegram update %s skipped: %s: %s", update.update_id, exc.__class__.__name__, exc)
            inbound = None
        if inbound is None:  # edited messages, channel posts, member updates: recorded, not answered
            if not await self.pipeline.threads.run(intake.accept, self.runtime, key):
                log.info("repeat of %s ignored", key)
            return

        async def answer_query() -> None:
            if update.callback_query is not None:
                try:  # always answered, even when the press turns out to be stale
                    await update.callback_query.answer()
                except TelegramError as exc:
                    log.info("callback answer failed: %s", exc)

        await self.pipeline.handle(inbound, self.answer, fetch_file=self.fetch_file, before_answer=answer_query)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("Telegram update failed: %r", context.error, exc_info=context.error)

    async def answer(self, inbound: Inbound, replies: list[Reply]) -> None:
        """Send each reply now; what cannot go out now is queued from the first message not sent
        (never repeating a part already shown), due when Telegram's retry_after allows."""
        by_chat: dict[str, list[Reply]] = {}
        for r in replies:
            by_chat.setdefault(r.chat_id or inbound.chat_id, []).append(r)
        queued: list[int] = []
        for n, (chat_id, rs) in enumerate(by_chat.items()):
            msgs = render_telegram.render(absolute(rs, self.runtime.public_url))
            for i, msg in enumerate(msgs):
                try:
                    await self._send_message(chat_id, msg)
                except (SendFailed, TelegramError) as exc:
                    wait = _seconds(exc.retry_after) if isinstance(exc, RetryAfter) else None
                    log.warning("reply to %s not sent now (%s): queued from part %d of %d", chat_id, exc, i + 1,
                                len(msgs))
                    not_before = self.runtime.clock.now() + dt.timedelta(seconds=wait) if wait else None
                    row = await self.pipeline.queue(chat_id, rs, key=f"{inbound.event_id}:{n}", skip=i,
                                                    not_before=not_before)
                    if row:
                        if wait:  # every deliverer waits too (registry.delivery.hold_chat)
                            await self.pipeline.threads.run(_hold, self.runtime, chat_id, not_before)
                        else:
                            queued.append(row)
                    break
        await self.pipeline.push_now(queued)

    async def _send_message(self, chat_id: str, msg: render_telegram.TgMessage) -> int | None:
        sent = await self.bot.send_message(chat_id=chat_id, text=msg.text, parse_mode=ParseMode.HTML,
                                           reply_markup=markup(msg), disable_notification=False)
        return getattr(sent, "message_id", None)

    # --- ChatGateway ---------------------------------------------------------------------------------
    async def send(self, chat_id: str, replies: list[Reply], *, retry_key: str, skip: int = 0) -> list[int]:
        """Send the replies' messages from the *skip*-th on; a failure says how many went out
        (``SendFailed.sent``), so a retry starts after them. Returns the ids of the messages sent
        (kept with the notice, so a recalled forward's notice can be edited later: :meth:`withdraw`)."""
        await self.start()
        ids: list[int] = []
        for i, msg in enumerate(render_telegram.render(absolute(replies, self.runtime.public_url))):
            if i < skip:
                continue
            try:
                message_id = await self._send_message(chat_id, msg)
            except Exception as exc:
                failure = _failure(exc)
                failure.sent = i
                raise failure from exc
            if message_id is not None:
                ids.append(message_id)
        return ids

    async def withdraw(self, chat_id: str, message_ids: list[int], replies: list[Reply]) -> int:
        """Edit notices already shown (a recalled forward): each message gets the text *replies*
        now render to and loses its buttons. Telegram can edit a bot's message, LINE cannot.
        Returns how many were edited; a message that cannot be edited any more is left as it is."""
        await self.start()
        msgs = render_telegram.render(absolute(replies, self.runtime.public_url))
        edited = 0
        for message_id, msg in zip(message_ids, msgs, strict=False):
            try:
                await self.bot.edit_message_text(chat_id=chat_id, message_id=message_id, text=msg.text,
                                                 parse_mode=ParseMode.HTML, reply_markup=markup(msg))
                edited += 1
            except TelegramError as exc:  # too old, deleted by the user, unchanged: the notice still goes out
                log.warning("could not edit Telegram message %s in %s: %s", message_id, chat_id, exc)
        return edited

    # --- file download (handlers call it from a worker thread) ------------------------------------------
    def fetch_file(self, ref: FileRef) -> bytes:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(self._download(ref.platform_id), self._loop).result(self.timeout * 3)

    async def _download(self, file_id: str) -> bytes:
        f = await self.bot.get_file(file_id)
        return bytes(await f.download_as_bytearray())


def make_telegram_channel(runtime: Runtime, settings: Any) -> TelegramChannel:
    secret = settings.telegram_secret_token.get_secret_value() if settings.telegram_secret_token else None
    return TelegramChannel(runtime, token=settings.telegram_bot_token.get_secret_value(), secret_token=secret,
                           api_base_url=settings.telegram_api_base_url, mode=settings.telegram_mode,
                           allow_unsigned=settings.demo)


def _hold(runtime: Runtime, chat_id: str, until: dt.datetime) -> None:
    from registry.delivery import hold_chat

    with runtime.transaction() as session:
        hold_chat(session, "telegram", chat_id, until=until)
