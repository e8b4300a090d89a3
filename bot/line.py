"""LINE Messaging API adapter (line-bot-sdk v3): webhook, replies, pushes, content download.

- The signature is checked on the raw body (``SignatureValidator``) before anything else; a bad
  one is 400 and nothing is written.
- LINE gets its 200 once the delivery's events are recorded in the database (bot.durable: one
  short transaction; LINE does not redeliver after a 200, so an event must survive a crash from
  then on). Each event then runs through bot.pipeline, whose transaction records
  ``line:<webhookEventId>`` and acts (a redelivered event stops at the key); events of one chat
  are handled in order. Events older than ``SARABAN_LINE_EVENT_MAX_AGE_HOURS`` are refused (a
  replayed delivery), and an event with a malformed field is skipped alone.
- The events are read from the JSON ourselves after the signature check: the SDK's parser turns
  documented shapes it does not know (a text without quoteToken, a follow without "follow") into
  UnknownEvent, and we would rather answer those users than drop them.
- A reply token is used once and only while fresh (LINE: about a minute); when it is stale or LINE
  refuses it (400 "Invalid reply token") the answer is queued and pushed with ``X-Line-Retry-Key``.
- The SDK is configured with ``host = settings.line_api_base_url``, which serves both api and
  api-data (content download) calls.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import mimetypes
import uuid
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApiBlob, Configuration
from linebot.v3.messaging.exceptions import ApiException
from linebot.v3.webhook import SignatureValidator

from bot import render_line
from bot.links import absolute
from bot.durable import DurableIntake
from bot.gateway import SendFailed
from bot.pipeline import ChatPipeline, Outcome
from handlers.models import FileRef, Inbound, Reply
from registry.runtime import Runtime

if TYPE_CHECKING:
    from bot.deliver import Deliverer

log = logging.getLogger("saraban.line")

REPLY_TOKEN_FRESH = dt.timedelta(seconds=50)  # LINE keeps a reply token for about a minute
DEFAULT_MAX_AGE = dt.timedelta(hours=24)
DEFAULT_CLAIM = dt.timedelta(seconds=30)


class MalformedEvent(ValueError):
    """An event whose fields are not what LINE documents: skipped alone, the delivery goes on."""


class _Drawn(dict):
    """A request body as LINE's JSON, its messages drawn by bot.render_line: what the SDK's
    ``ReplyMessageRequest`` / ``PushMessageRequest`` ``to_dict()`` give for the same content
    (tests/bot/test_line_body.py holds them equal).

    Building the SDK's pydantic models only to turn them back into this JSON cost a third of the
    server's CPU per event (bench webhook), and the SDK's sanitising walk over a plain dict 40 %
    of each reply call; the drawn message shapes are checked against the SDK's own models in
    tests/bot/test_render.py."""


class _DrawnClient(AsyncApiClient):
    """The SDK's client, sending a drawn body as it is (see _Drawn)."""

    def sanitize_for_serialization(self, obj: Any) -> Any:
        if isinstance(obj, _Drawn):
            return obj
        return super().sanitize_for_serialization(obj)


def reply_request(token: str, msgs: list[dict[str, Any]]) -> _Drawn:
    return _Drawn(replyToken=token, messages=msgs, notificationDisabled=False)


def push_request(to: str, msgs: list[dict[str, Any]]) -> _Drawn:
    return _Drawn(to=to, messages=msgs, notificationDisabled=False)


def _retry_after(exc: ApiException) -> float | None:
    value = (exc.headers or {}).get("Retry-After") if exc.headers else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _failure(exc: Exception) -> SendFailed:
    if isinstance(exc, ApiException):
        status = exc.status or 0
        body = exc.body if isinstance(exc.body, str) else repr(exc.body)
        text = f"LINE {status}: {body[:300]}"
        if status == 429:
            return SendFailed(text, retry_after=_retry_after(exc) or 60.0, scope="channel")
        if status in (408,) or status >= 500:
            return SendFailed(text, scope="channel")
        return SendFailed(text, permanent=True)
    return SendFailed(f"LINE unreachable: {exc!r}", scope="channel")


def _read_environment_once(client: AsyncApiClient, base_url: str) -> None:
    """The SDK's aiohttp session trusts the environment, which makes aiohttp re-read the proxy
    variables and ~/.netrc on every request (a file read and a thread hop per reply: a tenth of the
    server's CPU per webhook in bench webhook). Read the proxy for the LINE host once instead and
    hand it to the SDK's own ``proxy`` setting; the environment cannot change under a running
    process anyway."""
    from aiohttp.helpers import get_env_proxy_for_url
    from yarl import URL

    rest = client.rest_client
    try:
        proxy, _auth = get_env_proxy_for_url(URL(base_url))
        rest.proxy = rest.proxy or str(proxy)  # a proxy URL may carry its own credentials
    except LookupError:  # no proxy for this host (or NO_PROXY names it)
        pass
    rest.pool_manager._trust_env = False  # noqa: SLF001 - aiohttp has no setter; see above


def messaging_client(configuration: Configuration) -> AsyncApiClient:
    """The SDK's client as the channel uses it (made inside the running loop: it opens an aiohttp
    session): drawn bodies sent as they are, the proxy read once."""
    client = _DrawnClient(configuration)
    _read_environment_once(client, configuration.host)
    return client


async def post(client: AsyncApiClient, path: str, request: _Drawn, *, retry_key: str | None = None,
               timeout: float = 10.0) -> None:
    """One Messaging API call through the SDK's own client, as ``AsyncMessagingApi.reply_message``
    and ``push_message`` make it, minus two steps we do not need: pydantic re-validating the
    arguments we built and parsing LINE's answer into models we never read (together about a
    third of each reply call's CPU in bench webhook). Errors are the SDK's ApiException as before."""
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    if retry_key:
        headers["X-Line-Retry-Key"] = retry_key
    await client.call_api(path, "POST", header_params=headers, body=request, response_types_map={},
                          auth_settings=["Bearer"], _request_timeout=timeout)


class LineChannel:
    channel = "line"

    def __init__(self, runtime: Runtime, *, channel_secret: str, access_token: str, api_base_url: str,
                 timeout: float = 10.0, max_age: dt.timedelta = DEFAULT_MAX_AGE,
                 claim: dt.timedelta = DEFAULT_CLAIM) -> None:
        self.runtime = runtime
        self.validator = SignatureValidator(channel_secret)
        self.configuration = Configuration(host=api_base_url.rstrip("/"), access_token=access_token)
        self.timeout = timeout
        self._client: AsyncApiClient | None = None
        self._blob: AsyncMessagingApiBlob | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task] = set()
        self.pipeline = ChatPipeline(runtime, "line")
        self.queue = DurableIntake(runtime, "line", claim=claim, max_age=max_age)

    @property
    def deliverer(self) -> Deliverer | None:
        return self.pipeline.deliverer

    @deliverer.setter
    def deliverer(self, value: Deliverer | None) -> None:  # set by bot.install: pushes replies that missed the token
        self.pipeline.deliverer = value

    # --- lifecycle (the aiohttp session must be made inside the running loop) --------------------
    async def start(self) -> None:
        if self._client is None:
            self._loop = asyncio.get_running_loop()
            self._client = messaging_client(self.configuration)
            self._blob = AsyncMessagingApiBlob(self._client)
            # events a stopped process recorded but did not handle: now, then every few seconds
            self.queue.start(self._from_queue)

    async def stop(self) -> None:
        await self.queue.stop()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=10)
        if self._client is not None:
            await self._client.close()
            self._client = self._blob = None
        self.pipeline.close()

    async def idle(self, timeout: float = 10.0) -> None:
        """Wait until every event taken so far has been handled (tests, shutdown)."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)

    # --- webhook -----------------------------------------------------------------------------------
    def router(self) -> APIRouter:
        router = APIRouter()

        @router.post("/webhooks/line", include_in_schema=False)
        async def line_webhook(request: Request) -> JSONResponse:
            body = await request.body()
            signature = request.headers.get("x-line-signature", "")
            try:
                text = body.decode("utf-8")
                valid = bool(signature) and self.validator.validate(text, signature)
            except (UnicodeDecodeError, ValueError):
                valid = False
            if not valid:
                return JSONResponse({"message": "invalid signature"}, status_code=400)
            try:
                payload = json.loads(text)
                events = payload.get("events") or []
                if not isinstance(events, list):
                    raise ValueError("events is not a list")
            except (ValueError, AttributeError):
                return JSONResponse({"message": "invalid body"}, status_code=400)
            await self.start()
            now = self.runtime.clock.now()
            taken: list[tuple[Inbound, dict[str, Any]]] = []
            for event in events:
                try:
                    inbound = self.to_inbound(event)
                except MalformedEvent as exc:  # this one only; the rest of the delivery is handled
                    log.warning("LINE event skipped: %s", exc)
                    continue
                if self.queue.too_old(inbound.at, now):
                    log.warning("LINE event %s refused: sent %s ago (a replay?)", inbound.event_id, now - inbound.at)
                    continue
                taken.append((inbound, event))
            try:  # stored before the 200: from here on a crash cannot lose them (bot.durable)
                new = await self.queue.record([(i.event_id, e) for i, e in taken])
            except Exception as exc:  # noqa: BLE001 - not stored: a 503 lets LINE redeliver
                # The database is away (a restart, a failover): nothing was taken, so this is "try again
                # later", not a server fault; LINE redelivers any delivery not answered 2xx.
                log.error("LINE events not recorded (%r): answered 503", exc)
                return JSONResponse({"message": "try again"}, status_code=503, headers={"Retry-After": "1"})
            for inbound, event in taken:
                if inbound.event_id in new:  # else a redelivery of an event already queued
                    self._spawn(inbound, event.get("replyToken"))
            return JSONResponse({})

        return router

    def _spawn(self, inbound: Inbound, reply_token: str | None) -> None:
        # Tasks of one chat take its lock in arrival order (bot.pipeline).
        task = asyncio.create_task(self._handle(inbound, reply_token))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _from_queue(self, key: str, event: dict[str, Any]) -> None:
        """An event a stopped process recorded and did not handle (bot.durable's sweep)."""
        try:
            inbound = self.to_inbound(event)
        except MalformedEvent as exc:
            log.warning("queued LINE event %s skipped: %s", key, exc)
            return
        if self.queue.too_old(inbound.at, self.runtime.clock.now()):
            log.warning("queued LINE event %s dropped: older than %s", key, self.queue.max_age)
            return
        self._spawn(inbound, event.get("replyToken"))

    def to_inbound(self, event: Any) -> Inbound:
        """The event as an Inbound, or MalformedEvent naming the field that is wrong."""
        if not isinstance(event, dict):
            raise MalformedEvent("not an object")
        event_id = event.get("webhookEventId")
        if not isinstance(event_id, str) or not event_id or len(event_id) > 100:
            raise MalformedEvent("webhookEventId missing or not a short string")
        try:
            return self._inbound(event, event_id)
        except MalformedEvent:
            raise
        except (TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise MalformedEvent(f"event {event_id}: {exc.__class__.__name__}: {exc}") from None

    def _inbound(self, event: dict[str, Any], event_id: str) -> Inbound:
        source = event.get("source") or {}
        if not isinstance(source, dict):
            raise MalformedEvent(f"event {event_id}: source is not an object")
        kind_of_source = source.get("type")
        user_id = source.get("userId") or ""
        chat_id = source.get("groupId") or source.get("roomId") or user_id
        if not chat_id or not isinstance(chat_id, str) or not isinstance(user_id, str):
            raise MalformedEvent(f"event {event_id}: no user, group or room id")
        timestamp = event.get("timestamp")
        if not isinstance(timestamp, int | float) or isinstance(timestamp, bool) or timestamp <= 0:
            # the age check needs it; LINE always sends one
            raise MalformedEvent(f"event {event_id}: timestamp missing or not a number")
        at = dt.datetime.fromtimestamp(timestamp / 1000, dt.UTC)
        common = dict(channel="line", event_id=f"line:{event_id}", account_id=user_id, chat_id=chat_id, at=at,
                      is_group=kind_of_source in ("group", "room"))
        etype = event.get("type")
        if event.get("mode") == "standby":  # another module holds the chat: record, do not answer
            return Inbound(kind="other", **common)
        if etype == "message":
            m = event.get("message") or {}
            if not isinstance(m, dict):
                raise MalformedEvent(f"event {event_id}: message is not an object")
            mtype = m.get("type")
            if mtype == "text":
                text = m.get("text", "")
                if not isinstance(text, str):
                    raise MalformedEvent(f"event {event_id}: message.text is not a string")
                return Inbound(kind="text", text=text, **common)
            if mtype in ("image", "file") and (m.get("contentProvider") or {}).get("type", "line") == "line":
                filename = m.get("fileName")
                if filename is not None and not isinstance(filename, str):
                    raise MalformedEvent(f"event {event_id}: message.fileName is not a string")
                size = m.get("fileSize")
                if size is not None and (not isinstance(size, int) or isinstance(size, bool)):
                    raise MalformedEvent(f"event {event_id}: message.fileSize is not a number")
                ctype = (mimetypes.guess_type(filename)[0] if filename else None) or \
                    ("image/jpeg" if mtype == "image" else "application/octet-stream")
                ref = FileRef(platform_id=str(m.get("id")), filename=filename, content_type=ctype, size=size)
                return Inbound(kind=mtype, file=ref, **common)
            return Inbound(kind="other", **common)
        if etype == "postback":
            data = (event.get("postback") or {}).get("data", "")
            if not isinstance(data, str):
                raise MalformedEvent(f"event {event_id}: postback.data is not a string")
            return Inbound(kind="button", payload=data, **common)
        if etype in ("follow", "join"):
            return Inbound(kind=etype, **common)
        return Inbound(kind="other", **common)

    # --- handling --------------------------------------------------------------------------------
    async def _handle(self, inbound: Inbound, reply_token: str | None) -> None:
        outcome = await self.pipeline.handle(inbound, lambda i, replies: self.answer(i, reply_token, replies),
                                             fetch_file=self.fetch_file)
        if outcome == Outcome.FAILED:  # the clerk was told to try again: not to be retried by the sweep
            try:
                await self.queue.run(self.queue.forget, inbound.event_id)
            except Exception as exc:  # noqa: BLE001 - the sweep gives up on it after MAX_ATTEMPTS
                log.warning("could not drop failed event %s from the queue: %r", inbound.event_id, exc)

    async def answer(self, inbound: Inbound, reply_token: str | None, replies: list[Reply]) -> None:
        """Reply in the chat with the token while it is fresh; everything else is pushed."""
        here = [r for r in replies if r.chat_id in (None, inbound.chat_id)]
        elsewhere: dict[str, list[Reply]] = {}
        for r in replies:
            if r.chat_id not in (None, inbound.chat_id):
                elsewhere.setdefault(r.chat_id, []).append(r)
        to_push: list[int] = []
        if here:
            here = absolute(here, self.runtime.public_url)
            groups = self._groups([(r, render_line.messages(r)) for r in here])  # each reply drawn once
            first, rest = groups[0], [r for g in groups[1:] for r, _ in g]
            fresh = reply_token and self.runtime.clock.now() - inbound.at < REPLY_TOKEN_FRESH
            replied = False
            if fresh:
                replied = await self._reply(reply_token, [m for _, msgs in first for m in msgs])
            if not replied:
                rest = [r for r, _ in first] + rest
            if rest:
                row = await self.pipeline.queue(inbound.chat_id, rest, key=inbound.event_id)
                if row:
                    to_push.append(row)
        for n, (chat_id, rs) in enumerate(elsewhere.items()):
            row = await self.pipeline.queue(chat_id, rs, key=f"{inbound.event_id}:{n}")
            if row:
                to_push.append(row)
        await self.pipeline.push_now(to_push)

    @staticmethod
    def _groups(drawn: list[tuple[Reply, list[dict[str, Any]]]]) -> list[list[tuple[Reply, list[dict[str, Any]]]]]:
        """Drawn replies grouped so that each group is at most 5 messages (one API call)."""
        groups: list[list[tuple[Reply, list[dict[str, Any]]]]] = []
        current: list[tuple[Reply, list[dict[str, Any]]]] = []
        count = 0
        for reply, msgs in drawn:
            if current and count + len(msgs) > render_line.MAX_MESSAGES_PER_CALL:
                groups.append(current)
                current, count = [], 0
            current.append((reply, msgs))
            count += len(msgs)
        if current:
            groups.append(current)
        return groups

    async def _reply(self, reply_token: str, msgs: list[dict[str, Any]]) -> bool:
        if len(msgs) > render_line.MAX_MESSAGES_PER_CALL:
            return False  # one oversize reply: push it in several calls instead
        try:
            await self._post("/v2/bot/message/reply", reply_request(reply_token, msgs))
            return True
        except ApiException as exc:
            log.info("reply token refused (%s): pushing instead", exc.status)
            return False
        except Exception as exc:  # a timeout may or may not have delivered it: push (LINE keeps it single
            log.warning("reply failed (%r): pushing instead", exc)  # only per retry key, so rare duplicates)
            return False

    async def _post(self, path: str, request: _Drawn, *, retry_key: str | None = None) -> None:
        await self.start()
        assert self._client is not None
        await post(self._client, path, request, retry_key=retry_key, timeout=self.timeout)

    # --- ChatGateway -------------------------------------------------------------------------------
    async def send(self, chat_id: str, replies: list[Reply], *, retry_key: str, skip: int = 0) -> None:
        # *skip* is not needed here: each batch keeps its retry key, and LINE answers 409 to a repeat
        batches = render_line.batches(render_line.render(absolute(replies, self.runtime.public_url)))
        for i, batch in enumerate(batches):
            key = retry_key if i == 0 else str(uuid.uuid5(uuid.UUID(retry_key), str(i)))
            try:
                await self._post("/v2/bot/message/push", push_request(chat_id, batch), retry_key=key)
            except ApiException as exc:
                if exc.status == 409:  # this retry key was accepted before: already delivered
                    continue
                raise _failure(exc) from exc
            except Exception as exc:
                raise _failure(exc) from exc

    # --- content download (handlers call it from a worker thread) ------------------------------------
    def fetch_file(self, ref: FileRef) -> bytes:
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(self._download(ref.platform_id), self._loop)
        return future.result(timeout=self.timeout * 3)

    async def _download(self, message_id: str) -> bytes:
        await self.start()
        assert self._blob is not None
        data = await self._blob.get_message_content(message_id, _request_timeout=self.timeout * 3)
        return bytes(data)


def make_line_channel(runtime: Runtime, settings: Any) -> LineChannel:
    return LineChannel(runtime, channel_secret=settings.line_channel_secret.get_secret_value(),
                       access_token=settings.line_channel_access_token.get_secret_value(),
                       api_base_url=settings.line_api_base_url,
                       max_age=dt.timedelta(hours=settings.line_event_max_age_hours),
                       claim=dt.timedelta(seconds=settings.inbound_claim_seconds))


