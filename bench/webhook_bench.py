"""``saraban bench webhook``: the LINE webhook end to end, beside a reply-only and a bare endpoint.

The server under test is ``saraban serve`` (uvicorn) in its own process, configured like
production but with ``SARABAN_LINE_API_BASE_URL`` pointing at a fake LINE API on loopback. This
process is the client (and hosts the fake): simulated clerks each paste a header (a signed text
event), wait for the confirmation card at the fake, press [ยืนยัน] (a signed postback with the
card's own payload) and wait for the receipt — one registration per pair of events.
The same client then drives two reference servers (each its own uvicorn process): a reply-only
endpoint that checks the signature, answers 200 and replies through the SDK's client with the
messages the app sent (captured at the fake: its confirmation card, then its receipt) but keeps
no register at all — the floor any LINE bot on this stack pays per event; and a bare FastAPI
endpoint that only checks the signature. Reported for all: events/s, p50/p99 to the 200, server
CPU per event (user+sys of the server process over the run / events); for the real app also
registrations/s, and p99 from the 200 to the reply at the fake for both servers that reply.
Client and server share the machine's cores, so compare CPU per event rather than raw rates.
``--workers N`` runs all three servers with N uvicorn worker processes
(as ``saraban serve --workers N``); CPU is then summed over the server's whole process tree. A lone
server process runs on one CPU core, as in production (saraban.affinity; ``SARABAN_PIN_CPU=0``
runs them unpinned).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from bench.common import demo_runtime, fresh_databases, percentile

SECRET = "bench-line-channel-secret"
TOKEN = "bench-line-access-token"
TICK = os.sysconf("SC_CLK_TCK")


# --- the bare endpoint (served by uvicorn in its own process) -------------------------------------------
def _bare_app():
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse
    from linebot.v3.webhook import SignatureValidator

    from saraban.affinity import pin_lone_server
    from saraban.settings import get_settings

    app = FastAPI()
    validator = SignatureValidator(os.environ.get("SARABAN_LINE_CHANNEL_SECRET", SECRET))
    pin_lone_server(get_settings().pin_cpu)  # as `saraban serve` pins the real app: like for like

    @app.post("/webhooks/line")
    async def webhook(request: Request) -> JSONResponse:
        body = (await request.body()).decode("utf-8")
        if not validator.validate(body, request.headers.get("x-line-signature", "")):
            return JSONResponse({"message": "invalid signature"}, status_code=400)
        return JSONResponse({})

    @app.get("/chat")
    async def ready() -> dict:
        return {}

    return app


def _reply_app():
    """Signature check, 200, then a reply through the SDK's client exactly as the app sends one
    (bot.line.post), with the app's captured messages; and nothing else: no event record, no
    conversation, no register."""
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse
    from linebot.v3.messaging import Configuration
    from linebot.v3.webhook import SignatureValidator

    from bot.line import messaging_client, post, reply_request
    from saraban.affinity import pin_lone_server
    from saraban.settings import get_settings

    app = FastAPI()
    validator = SignatureValidator(os.environ["SARABAN_LINE_CHANNEL_SECRET"])
    configuration = Configuration(host=os.environ["SARABAN_LINE_API_BASE_URL"],
                                  access_token=os.environ["SARABAN_LINE_CHANNEL_ACCESS_TOKEN"])
    with open(os.environ["BENCH_CANNED_REPLIES"], encoding="utf-8") as f:
        canned = json.load(f)  # {"message": the confirmation card's messages, "postback": the receipt's}
    pin_lone_server(get_settings().pin_cpu)
    state: dict[str, Any] = {"client": None, "tasks": set()}

    async def reply(token: str, msgs: list[dict]) -> None:
        if state["client"] is None:  # inside the running loop, as the channel makes it
            state["client"] = messaging_client(configuration)
        await post(state["client"], "/v2/bot/message/reply", reply_request(token, msgs))

    @app.post("/webhooks/line")
    async def webhook(request: Request) -> JSONResponse:
        body = (await request.body()).decode("utf-8")
        if not validator.validate(body, request.headers.get("x-line-signature", "")):
            return JSONResponse({"message": "invalid signature"}, status_code=400)
        for event in json.loads(body).get("events") or []:
            task = asyncio.create_task(reply(event["replyToken"], canned[event["type"]]))
            state["tasks"].add(task)
            task.add_done_callback(state["tasks"].discard)
        return JSONResponse({})

    @app.get("/chat")
    async def ready() -> dict:
        return {}

    return app


def __getattr__(name: str):  # ``uvicorn bench.webhook_bench:bare_app`` builds it lazily
    if name == "bare_app":
        return _bare_app()
    if name == "reply_app":
        return _reply_app()
    raise AttributeError(name)


# --- the fake LINE API (in this process, on the client's loop) ---------------------------------------------
class FakeLine:
    def __init__(self) -> None:
        self.inbox: dict[str, asyncio.Queue] = {}  # user id → (arrival, messages) as they come
        self.token_user: dict[str, str] = {}
        self.replies = 0
        self.pushes = 0
        self.seen: dict[str, list[dict]] = {}  # the last answer carrying each button prefix (see canned)

    def queue(self, user: str) -> asyncio.Queue:
        q = self.inbox.get(user)
        if q is None:
            q = self.inbox[user] = asyncio.Queue()
        return q

    def _deliver(self, user: str | None, messages: list[dict]) -> None:
        if user:
            self.queue(user).put_nowait((time.monotonic(), messages))

    async def wait_for_button(self, user: str, prefix: str, timeout: float = 30) -> tuple[float, list[dict]]:
        """The first answer to *user* that carries a button starting with *prefix* (others are kept
        aside: a reply may come in more than one call)."""
        q = self.queue(user)
        seen: list[dict] = []
        deadline = time.monotonic() + timeout
        while True:
            arrived, msgs = await asyncio.wait_for(q.get(), max(0.01, deadline - time.monotonic()))
            seen.extend(msgs)
            if any(p.startswith(prefix) for p in _postbacks(msgs)):
                self.seen[prefix] = seen
                return arrived, seen

    def app(self):
        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import JSONResponse
        from starlette.routing import Route

        async def reply(request: Request) -> JSONResponse:
            body = json.loads(await request.body())
            self.replies += 1
            self._deliver(self.token_user.pop(body.get("replyToken"), None), body.get("messages", []))
            return JSONResponse({"sentMessages": [{"id": "1", "quoteToken": "q"}]})

        async def push(request: Request) -> JSONResponse:
            body = json.loads(await request.body())
            self.pushes += 1
            self._deliver(body.get("to"), body.get("messages", []))
            return JSONResponse({"sentMessages": [{"id": "1"}]})

        return Starlette(routes=[Route("/v2/bot/message/reply", reply, methods=["POST"]),
                                 Route("/v2/bot/message/push", push, methods=["POST"])])


def _postbacks(obj: Any) -> list[str]:
    out: list[str] = []
    if isinstance(obj, dict):
        if obj.get("type") == "postback":
            out.append(obj.get("data", ""))
        for v in obj.values():
            out.extend(_postbacks(v))
    elif isinstance(obj, list):
        for v in obj:
            out.extend(_postbacks(v))
    return out


# --- helpers ------------------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu(pid: int) -> float:
    """User + system CPU seconds of *pid* and of every process under it (uvicorn's workers)."""
    parent_of: dict[int, int] = {}
    cpu_of: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:  # ended meanwhile
                continue
            parent_of[int(entry)] = int(fields[1])
            cpu_of[int(entry)] = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
    tree = {pid}
    while more := {child for child, parent in parent_of.items() if parent in tree} - tree:
        tree |= more
    return sum(cpu_of.get(p, 0.0) for p in tree)


def _pct(values: list[float], p: float) -> float:
    return percentile(values, p) if values else float("nan")


def _sign(body: bytes) -> str:
    return base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()


def _event(user: str, kind: str, value: str, token: str) -> bytes:
    event: dict[str, Any] = {"replyToken": token, "type": kind, "mode": "active",
                             "timestamp": int(time.time() * 1000), "source": {"type": "user", "userId": user},
                             "webhookEventId": uuid.uuid4().hex.upper()[:26], "deliveryContext": {"isRedelivery": False}}
    if kind == "message":
        event["message"] = {"id": str(uuid.uuid4().int)[:18], "type": "text", "quoteToken": "q" + token[:10],
                            "text": value}
    else:
        event["postback"] = {"data": value}
    return json.dumps({"destination": "U" + "0" * 32, "events": [event]}, ensure_ascii=False).encode()


def header(n: int) -> str:
    return (f"ลงรับ\nที่ รย 52001/{n}\nลงวันที่ 29 ม.ค. 2569\nจาก เทศบาลนครระยอง\n"
            f"เรื่อง ขอเชิญประชุมคณะกรรมการครั้งที่ {n}")


def _prepare(url: str, users: list[str]) -> None:
    from sqlalchemy import select

    from registry.accounts import link_directly
    from registry.events import Actor
    from registry.models import Membership

    rt = demo_runtime(url)
    with rt.transaction() as s:
        clerk = s.execute(select(Membership.person_id).where(Membership.role == "clerk")
                          .order_by(Membership.id)).scalars().first()
        for u in users:
            link_directly(s, "line", u, clerk, actor=Actor(None, "cli"))
    rt.engine.dispose()


def _start_server(target: str, port: int, env: dict[str, str], workers: int = 1) -> subprocess.Popen:
    """The bare endpoint, served by uvicorn itself."""
    return subprocess.Popen([sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port),
                             "--log-level", "warning", "--no-access-log", "--workers", str(workers)], env=env,
                            stdout=subprocess.DEVNULL, stderr=None)


def _start_saraban(port: int, env: dict[str, str], workers: int, log: str) -> subprocess.Popen:
    """The real app as production starts it: ``saraban serve`` (uvicorn; one worker is pinned to a
    core, see saraban.affinity). Its JSON log goes to *log*, read back if it fails to start."""
    with open(log, "wb") as out:
        return subprocess.Popen([sys.executable, "-c", "from saraban.cli import main; main()", "serve",
                                 "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
                                env=env, stdout=subprocess.DEVNULL, stderr=out)


async def _wait_ready(client, url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the server exited at start")
        try:
            async with client.get(url + "/chat") as r:
                if r.status == 200:
                    return
        except Exception:  # noqa: BLE001 - not listening yet
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("the server did not start")


@dataclass
class Result:
    label: str
    events: int = 0
    registrations: int = 0
    seconds: float = 0.0
    to_200: list[float] = field(default_factory=list)
    to_reply: list[float] = field(default_factory=list)
    cpu: float = 0.0
    front_cpu: float = 0.0  # the HTTPS front's (Caddy's) CPU over the run, when there is one
    errors: int = 0
    samples: list[str] = field(default_factory=list)

    def fail(self, what: str) -> None:
        self.errors += 1
        if len(self.samples) < 3:
            self.samples.append(what[:300])

    def line(self, *, registers: bool, replies: bool) -> str:
        ev = self.events / self.seconds if self.seconds else 0
        reg = f"{self.registrations / self.seconds:8.0f}" if registers else ""
        rep = f"{_pct(self.to_reply, 99) * 1000:10.1f}" if replies else ""
        return (f"{self.label:<22} {ev:8.0f} {reg:>8} {_pct(self.to_200, 50) * 1000:8.1f} "
                f"{_pct(self.to_200, 99) * 1000:8.1f} {rep:>10} {self.cpu / max(self.events, 1) * 1000:10.2f}"
                + (f"   errors {self.errors}" if self.errors else ""))


async def _send(client, url: str, fake: FakeLine | None, user: str, kind: str, data: str, res: Result) -> float | None:
    """Post one signed event; the time its 200 arrived, or None (counted as an error) if it was not 200."""
    token = uuid.uuid4().hex
    body = _event(user, kind, data, token)
    if fake is not None:
        fake.token_user[token] = user
    t0 = time.monotonic()
    async with client.post(url, data=body, headers={"x-line-signature": _sign(body),
                                                     "content-type": "application/json"}) as r:
        await r.read()
    t200 = time.monotonic()
    res.events += 1
    res.to_200.append(t200 - t0)
    if r.status != 200:
        res.errors += 1
        return None
    return t200


async def _clerk(client, url: str, fake: FakeLine | None, user: str, numbers, res: Result) -> None:
    for n in numbers:
        t200 = await _send(client, url, fake, user, "message", header(n), res)
        if t200 is None:
            continue
        confirm = "cf:bench0000"
        if fake is not None:
            msgs = await _answer(fake, user, "cf:", t200, res, "confirmation card")
            if msgs is None:
                continue
            confirm = [p for p in _postbacks(msgs) if p.startswith("cf:")][-1]
        t200 = await _send(client, url, fake, user, "postback", confirm, res)
        if t200 is None:
            continue
        if fake is not None and await _answer(fake, user, "fw:", t200, res, "receipt") is not None:
            res.registrations += 1


async def _answer(fake: FakeLine, user: str, prefix: str, t200: float, res: Result, what: str) -> list[dict] | None:
    """The answer carrying a *prefix* button, its time from the 200 recorded; None (an error) if none came."""
    try:
        arrived, msgs = await fake.wait_for_button(user, prefix)
    except TimeoutError:
        res.fail(f"no {what} within 30 s")
        return None
    res.to_reply.append(max(0.0, arrived - t200))
    return msgs


async def _drive(label: str, url: str, proc: subprocess.Popen, fake: FakeLine | None, users: list[str],
                 per_user: int, warmup: int, *, offset: int = 0, cafile: str | None = None,
                 also: subprocess.Popen | None = None) -> Result:
    """*offset* shifts the letters' numbers (a second run over the same database must not look like
    duplicates); *cafile* verifies an HTTPS front (Caddy's internal CA); *also*'s CPU (the front) is
    kept in ``Result.front_cpu``."""
    import ssl

    import aiohttp  # a lighter client than httpx: the client shares the cores with the server

    connector = aiohttp.TCPConnector(limit=len(users) + 4,
                                     ssl=ssl.create_default_context(cafile=cafile) if cafile else None)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as client:
        await _wait_ready(client, url, proc)
        base = url + "/webhooks/line"
        scratch = Result(label)
        await asyncio.gather(*(_clerk(client, base, fake, u, range(offset + 10**6 + i * 1000,
                                                                    offset + 10**6 + i * 1000 + warmup), scratch)
                               for i, u in enumerate(users)))
        res = Result(label)
        cpu0, t0 = _cpu(proc.pid), time.monotonic()
        front0 = _cpu(also.pid) if also is not None else 0.0
        await asyncio.gather(*(_clerk(client, base, fake, u, range(offset + i * 10_000, offset + i * 10_000 + per_user),
                                      res) for i, u in enumerate(users)))
        res.seconds = time.monotonic() - t0
        await asyncio.sleep(0.2)
        res.cpu = _cpu(proc.pid) - cpu0
        res.front_cpu = _cpu(also.pid) - front0 if also is not None else 0.0
        return res


async def _settle() -> None:
    """Flush the disk writes of what ran before, so that each server is measured on a quiet machine.
    Seen without it: the bare endpoint measured right after the SQLite app run took 0.20-0.22 ms
    per event in three runs out of three, against 0.10-0.16 on its own; dirty pages of the app's
    database being written back are the likely cause."""
    await asyncio.to_thread(os.sync)
    await asyncio.sleep(1.0)


async def _run_engine(label: str, db_url: str, *, users: int, per_user: int, warmup: int,
                      workers: int = 1, caddy: bool = False) -> tuple[Result, Result, Result, tuple[int, int]]:
    import uvicorn

    ids = ["U" + uuid.uuid4().hex for _ in range(users)]
    _prepare(db_url, ids)
    fake = FakeLine()
    fake_port = _free_port()
    fake_server = uvicorn.Server(uvicorn.Config(fake.app(), host="127.0.0.1", port=fake_port, log_level="warning",
                                                access_log=False, lifespan="off"))
    fake_task = asyncio.create_task(fake_server.serve())
    env = {**os.environ, "SARABAN_DATABASE_URL": db_url, "SARABAN_LINE_CHANNEL_SECRET": SECRET,
           "SARABAN_LINE_CHANNEL_ACCESS_TOKEN": TOKEN, "SARABAN_LINE_API_BASE_URL": f"http://127.0.0.1:{fake_port}",
           "SARABAN_DEMO": "1", "SARABAN_RUN_WORKER": "1", "PYTHAINLP_OFFLINE": "1", "PYTHAINLP_READ_ONLY": "1",
           "SARABAN_ATTACHMENTS_DIR": tempfile.mkdtemp(prefix="saraban-bench-att-")}
    for key in ("SARABAN_TELEGRAM_BOT_TOKEN", "SARABAN_TELEGRAM_SECRET_TOKEN"):
        env.pop(key, None)
    await _settle()
    port = _free_port()
    log = os.path.join(env["SARABAN_ATTACHMENTS_DIR"], "server.log")
    proc = _start_saraban(port, env, workers, log)
    try:
        app_result = await _drive(f"{label}: saraban", f"http://127.0.0.1:{port}", proc, fake, ids, per_user, warmup)
        if caddy:
            app_result.via_caddy = await _through_caddy(label, port, proc, fake, ids, per_user, warmup, env)
    except RuntimeError:
        with open(log, encoding="utf-8", errors="replace") as f:
            print(f.read()[-3000:], file=sys.stderr)
        raise
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    app_counts = (fake.replies, fake.pushes)
    env["BENCH_CANNED_REPLIES"] = os.path.join(env["SARABAN_ATTACHMENTS_DIR"], "canned.json")
    with open(env["BENCH_CANNED_REPLIES"], "w", encoding="utf-8") as f:
        json.dump({"message": fake.seen.get("cf:", []), "postback": fake.seen.get("fw:", [])}, f, ensure_ascii=False)
    await _settle()
    reply_port = _free_port()
    replier = _start_server("bench.webhook_bench:reply_app", reply_port, env, workers)
    try:
        reply_result = await _drive(f"{label}: reply only", f"http://127.0.0.1:{reply_port}", replier, fake, ids,
                                    per_user, warmup)
    finally:
        replier.terminate()
        replier.wait(timeout=20)
    await _settle()
    bare_port = _free_port()
    bare = _start_server("bench.webhook_bench:bare_app", bare_port, env, workers)
    try:
        bare_result = await _drive(f"{label}: bare endpoint", f"http://127.0.0.1:{bare_port}", bare, None, ids,
                                   per_user, 2)
    finally:
        bare.terminate()
        bare.wait(timeout=20)
    fake_server.should_exit = True
    await fake_task
    return app_result, reply_result, bare_result, app_counts


async def _through_caddy(label: str, port: int, proc: subprocess.Popen, fake: FakeLine, ids: list[str],
                         per_user: int, warmup: int, env: dict[str, str]) -> Result:
    """The same server again, now behind Caddy with the project's deploy/Caddyfile (HTTPS with
    Caddy's internal CA, the reverse proxy and its health checks), as production runs it."""
    from pathlib import Path

    from bench.caddy_front import CaddyFront

    await _settle()
    front = CaddyFront([f"127.0.0.1:{port}"], Path(env["SARABAN_ATTACHMENTS_DIR"]) / "caddy")
    await asyncio.to_thread(front.start)
    try:
        return await _drive(f"{label}: via Caddy", front.url, proc, fake, ids, per_user, warmup,
                            offset=5_000_000, cafile=str(front.ca_file), also=front.proc)
    finally:
        front.stop()


def main(*, users: int = 16, per_user: int = 40, warmup: int = 3, postgres_url: str | None = None,
         workers: int = 1, caddy: bool = False) -> int:
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    targets = fresh_databases("saraban_webhook_bench", postgres_url)
    print(f"LINE webhook: {users} clerks × {per_user} registrations (a pasted header, then its [ยืนยัน] postback); "
          f"servers with {workers} worker process{'es' if workers > 1 else ''}")
    print(f"{'server':<22} {'events/s':>8} {'regs/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'reply p99':>10} {'CPU ms/ev':>10}")
    rows = []
    for label, url in targets:
        app_result, reply_result, bare_result, fake_counts = asyncio.run(
            _run_engine(label, url, users=users, per_user=per_user, warmup=warmup, workers=workers, caddy=caddy))
        print(app_result.line(registers=True, replies=True) + f"   (fake LINE: {fake_counts[0]} replies, {fake_counts[1]} pushes)")
        via = getattr(app_result, "via_caddy", None)
        if via is not None:
            print(via.line(registers=True, replies=True)
                  + f"   (Caddy itself: {via.front_cpu / max(via.events, 1) * 1000:.2f} CPU ms/ev)")
            for sample in via.samples:
                print("    e.g.", sample)
        for sample in app_result.samples:
            print("    e.g.", sample)
        print(reply_result.line(registers=False, replies=True))
        print(bare_result.line(registers=False, replies=False))
        app_cpu = app_result.cpu / max(app_result.events, 1)
        # CPU time is counted in clock ticks (10 ms): a short run may give a reference server none at all
        for name, ref in (("the bare endpoint", bare_result), ("the reply-only endpoint", reply_result)):
            ref_cpu = ref.cpu / max(ref.events, 1)
            print(f"{'':<22} CPU per event: " + (f"{app_cpu / ref_cpu:.1f} × {name}" if ref_cpu > 0
                                                  else f"n/a (run too short to measure {name})"))
        bare_cpu = bare_result.cpu / max(bare_result.events, 1)
        if bare_cpu > 0:
            print(f"{'':<22} (the reply-only endpoint alone: {reply_result.cpu / max(reply_result.events, 1) / bare_cpu:.1f}"
                  f" × the bare endpoint)")
        rows.append((app_result, reply_result, bare_result))
    print("\ntargets: ≥ 150 registrations/s, p99 to the 200 < 100 ms, p99 to the reply < 1 s, CPU/event ≤ 10 × bare")
    return 0 if all(not a.errors and not r.errors and not getattr(getattr(a, "via_caddy", None), "errors", 0)
                    for a, r, _ in rows) else 1
