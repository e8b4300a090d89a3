"""The deployment under test: a throwaway PostgreSQL, ``saraban init --demo``, two
``saraban serve --no-worker`` processes and one ``saraban worker`` (the units in deploy/systemd),
Caddy with deploy/Caddyfile in front, and the fake LINE and Telegram APIs; plus chat users and an
API client that drive it through Caddy over HTTPS (Caddy's internal CA)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.caddy_front import CaddyFront, free_port
from tests.bot.harness import postbacks
from tests.deploy.pg_instance import ThrowawayPostgres
from tests.fakes.line_api import FakeLineApi
from tests.fakes.telegram_api import FakeTelegramApi

LINE_SECRET = "cluster-line-channel-secret"
LINE_TOKEN = "cluster-line-access-token"
TG_TOKEN = "654321:CLUSTER-telegram-token"
TG_SECRET = "cluster-telegram-secret-token"
ADMIN_TOKEN = "cluster-admin-token-0123456789"


def saraban(*args: str, env: dict[str, str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "saraban.cli", *args], env=env, capture_output=True, text=True,
                          timeout=300, **kw)


@dataclass
class Server:
    port: int
    proc: subprocess.Popen
    log: Path


@dataclass
class Cluster:
    workdir: Path
    pg: ThrowawayPostgres = field(default_factory=ThrowawayPostgres)
    line_api: FakeLineApi = field(default_factory=lambda: FakeLineApi(LINE_TOKEN))
    tg_api: FakeTelegramApi = field(default_factory=lambda: FakeTelegramApi(TG_TOKEN))
    servers: list[Server] = field(default_factory=list)
    worker: subprocess.Popen | None = None
    caddy: CaddyFront | None = None

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "SARABAN_DATABASE_URL": self.pg.url, "SARABAN_LINE_CHANNEL_SECRET": LINE_SECRET,
                "SARABAN_LINE_CHANNEL_ACCESS_TOKEN": LINE_TOKEN, "SARABAN_LINE_API_BASE_URL": self.line_api.url,
                "SARABAN_TELEGRAM_BOT_TOKEN": TG_TOKEN, "SARABAN_TELEGRAM_SECRET_TOKEN": TG_SECRET,
                "SARABAN_TELEGRAM_API_BASE_URL": self.tg_api.base_url, "SARABAN_TELEGRAM_MODE": "webhook",
                "SARABAN_ADMIN_TOKEN": ADMIN_TOKEN, "SARABAN_ATTACHMENTS_DIR": str(self.workdir / "attachments"),
                "SARABAN_PIN_CPU": "0", "SARABAN_DEMO": "0",
                # a killed server's claimed events are swept up by the others within seconds, not 30 s
                "SARABAN_INBOUND_CLAIM_SECONDS": "4", "PYTHAINLP_OFFLINE": "1", "PYTHAINLP_READ_ONLY": "1"}

    def start(self, servers: int = 2) -> Cluster:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.pg.start()
        self.line_api.start()
        self.tg_api.start()
        done = saraban("init", "--demo", env=self.env)
        assert done.returncode == 0, done.stderr
        for _ in range(servers):
            self.start_server()
        self.start_worker()
        self.caddy = CaddyFront([f"127.0.0.1:{s.port}" for s in self.servers], self.workdir / "caddy").start()
        return self

    def start_server(self, port: int | None = None) -> Server:
        port = port or free_port()
        log = self.workdir / f"serve-{port}.log"
        with open(log, "ab") as out:
            proc = subprocess.Popen([sys.executable, "-m", "saraban.cli", "serve", "--host", "127.0.0.1", "--port",
                                     str(port), "--no-worker"], env=self.env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"saraban serve did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        server = Server(port, proc, log)
        self.servers = [s for s in self.servers if s.port != port] + [server]
        return server

    def start_worker(self) -> None:
        out = open(self.workdir / "worker.log", "ab")  # noqa: SIM115 - open while it runs
        self.worker = subprocess.Popen([sys.executable, "-m", "saraban.cli", "worker"], env=self.env, stdout=out,
                                       stderr=subprocess.STDOUT)

    def kill(self, server: Server) -> None:
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.caddy is not None:
            self.caddy.stop()
        for p in [s.proc for s in self.servers] + ([self.worker] if self.worker else []):
            if p.poll() is None:
                p.terminate()
        for p in [s.proc for s in self.servers] + ([self.worker] if self.worker else []):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        self.line_api.stop()
        self.tg_api.stop()
        self.pg.stop()

    def client(self) -> httpx.Client:
        assert self.caddy is not None
        return httpx.Client(base_url=self.caddy.url, verify=str(self.caddy.ca_file), timeout=60)

    def runtime(self):
        from registry.runtime import Runtime

        return Runtime.from_url(self.pg.url)


# --- traffic --------------------------------------------------------------------------------------------
@dataclass
class Tally:
    """Every answer the proxy gave, by status; what was answered 200."""

    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    line_ok: list[str] = field(default_factory=list)  # webhookEventIds answered 200
    tg_ok: list[int] = field(default_factory=list)  # update_ids answered 200
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, status: int, what: str = "") -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status >= 500 and len(self.errors) < 20:
                self.errors.append(f"{status} {what}"[:300])

    def post(self, http: httpx.Client, path: str, body: bytes, headers: dict[str, str], kind: str) -> int:
        """One webhook delivery through the proxy, counted (599: the connection failed)."""
        try:
            r = http.post(path, content=body, headers={"content-type": "application/json", **headers})
        except httpx.HTTPError as exc:
            self.count(599, f"{kind} {exc!r}")
            return 599
        self.count(r.status_code, f"{kind} {r.text}")
        return r.status_code


def header(n: int, tag: str) -> str:
    return (f"ลงรับ\nที่ รย 52001/{n}\nลงวันที่ 29 ม.ค. 2569\nจาก เทศบาลนครระยอง\n"
            f"เรื่อง {tag} ขอเชิญประชุมคณะกรรมการครั้งที่ {n}")


class LineClerk:
    def __init__(self, cluster: Cluster, http: httpx.Client, tally: Tally, user_id: str | None = None) -> None:
        self.cluster, self.http, self.tally = cluster, http, tally
        self.user_id = user_id or "U" + uuid.uuid4().hex
        self.tokens: set[str] = set()
        self.seen = 0
        self.timeout = 90.0
        self.answers_may_be_lost = False  # see register()
        self.lost_answers = 0

    def post(self, event: dict[str, Any], *, retry: bool = True) -> int:
        token = uuid.uuid4().hex
        self.tokens.add(token)
        event_id = uuid.uuid4().hex.upper()[:26]
        event.update(replyToken=token, mode="active", timestamp=int(time.time() * 1000), webhookEventId=event_id,
                     source={"type": "user", "userId": self.user_id}, deliveryContext={"isRedelivery": False})
        while True:  # LINE redelivers what was not answered 200 (webhook redelivery on): so do we
            body = json.dumps({"destination": "U" + "0" * 32, "events": [event]}, ensure_ascii=False).encode()
            signature = base64.b64encode(hmac.new(LINE_SECRET.encode(), body, hashlib.sha256).digest()).decode()
            status = self.tally.post(self.http, "/webhooks/line", body, {"x-line-signature": signature}, "line")
            if status == 200:
                with self.tally.lock:
                    self.tally.line_ok.append(event_id)
                return status
            if not retry:
                return status
            event["deliveryContext"] = {"isRedelivery": True}
            time.sleep(0.5)

    def say(self, text: str) -> None:
        self.post({"type": "message", "message": {"id": str(uuid.uuid4().int)[:18], "type": "text", "text": text,
                                                   "quoteToken": "q"}})

    def press(self, data: str) -> None:
        self.post({"type": "postback", "postback": {"data": data}})

    def messages(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for r in self.cluster.line_api.calls("/v2/bot/message/", ok=True):
            if (r.path.endswith("/reply") and r.body.get("replyToken") in self.tokens) or \
                    (r.path.endswith("/push") and r.body.get("to") == self.user_id):
                out.extend(r.body["messages"])
        return out

    def wait_button(self, prefix: str, timeout: float | None = None) -> str:
        timeout = timeout or self.timeout
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msgs = self.messages()
            found = [data for _, data in postbacks(msgs[self.seen:]) if data.startswith(prefix)]
            if found:
                self.seen = len(msgs)
                return found[-1]
            time.sleep(0.05)
        raise AssertionError(f"LINE user {self.user_id}: no {prefix} button within {timeout} s")

    def register(self, n: int, tag: str) -> None:
        if not self.answers_may_be_lost:
            self.say(header(n, tag))
            self.press(self.wait_button("cf:"))
            self.wait_button("fw:")
            return
        # A server killed between an event's handling commit and its answer leaves the work done once
        # and the answer unsent (bot/durable.py, "What remains"): the clerk does what an officer
        # would, sends the header again when no card came, and moves on when no receipt came; the
        # test then checks in the register that every letter is there exactly once.
        for attempt in range(3):
            self.say(header(n, tag))
            try:
                confirm = self.wait_button("cf:")
                break
            except AssertionError:
                self.lost_answers += 1
                if attempt == 2:
                    raise
        self.press(confirm)
        try:
            self.wait_button("fw:")
        except AssertionError:
            self.lost_answers += 1


class TelegramClerk:
    _ids = iter(range(900_000_000, 2**31))
    _lock = threading.Lock()

    def __init__(self, cluster: Cluster, http: httpx.Client, tally: Tally, user_id: int | None = None) -> None:
        self.cluster, self.http, self.tally = cluster, http, tally
        self.user_id = user_id or int(str(uuid.uuid4().int)[:9])
        self.seen = 0

    def _user(self) -> dict:
        return {"id": self.user_id, "is_bot": False, "first_name": "ทดสอบ", "language_code": "th"}

    def _chat(self) -> dict:
        return {"id": self.user_id, "type": "private", "first_name": "ทดสอบ"}

    def post(self, update: dict[str, Any]) -> None:
        with self._lock:
            update["update_id"] = next(self._ids)
        while True:  # Telegram resends an update until it is answered 2xx
            status = self.tally.post(self.http, "/webhooks/telegram", json.dumps(update, ensure_ascii=False).encode(),
                                     {"x-telegram-bot-api-secret-token": TG_SECRET}, "telegram")
            if status == 200:
                with self.tally.lock:
                    self.tally.tg_ok.append(update["update_id"])
                return
            time.sleep(0.5)

    def say(self, text: str) -> None:
        self.post({"message": {"message_id": int(str(uuid.uuid4().int)[:6]), "date": int(time.time()),
                               "chat": self._chat(), "from": self._user(), "text": text}})

    def press(self, data: str) -> None:
        self.post({"callback_query": {"id": uuid.uuid4().hex[:18], "from": self._user(), "data": data,
                                      "chat_instance": "-1234567890123456789",
                                      "message": {"message_id": 1001, "date": int(time.time()), "chat": self._chat(),
                                                  "from": {"id": 654321, "is_bot": True, "first_name": "สารบรรณ"},
                                                  "text": "การ์ด"}}})

    def wait_button(self, prefix: str, timeout: float = 90) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            sent = self.cluster.tg_api.sent(chat_id=self.user_id)
            found = [b["callback_data"] for r in sent[self.seen:] for b in self.cluster.tg_api.buttons(r)
                     if b.get("callback_data", "").startswith(prefix)]
            if found:
                self.seen = len(sent)
                return found[-1]
            time.sleep(0.05)
        raise AssertionError(f"Telegram user {self.user_id}: no {prefix} button within {timeout} s")

    def register(self, n: int, tag: str) -> None:
        self.say(header(n, tag))
        self.press(self.wait_button("cf:"))
        self.wait_button("fw:")


class ApiClerk:
    def __init__(self, http: httpx.Client, tally: Tally) -> None:
        self.http, self.tally = http, tally

    def call(self, method: str, path: str, body: dict) -> httpx.Response:
        while True:
            try:
                r = self.http.request(method, path, json=body, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
            except httpx.HTTPError as exc:
                self.tally.count(599, f"api {exc!r}")
                time.sleep(0.5)
                continue
            self.tally.count(r.status_code, f"api {path} {r.text}")
            if r.status_code < 500:
                return r
            time.sleep(0.5)  # a 5xx wrote nothing (one transaction): the clerk tries again

    def register_and_forward(self, n: int, tag: str, owner: int) -> int:
        r = self.call("POST", "/api/v1/letters/incoming", {
            "unit": "มท 0201", "ref_no": f"นม 0017/{n}", "sender": "จังหวัดนครราชสีมา",
            "subject": f"{tag} ผ่าน API ครั้งที่ {n}"})
        assert r.status_code == 201, r.text
        letter = r.json()["id"]
        f = self.call("POST", f"/api/v1/letters/{letter}/forward", {"recipients": [{"person_id": owner}]})
        assert f.status_code == 201, f.text
        return letter


def run_all(jobs: list) -> list[BaseException]:
    """Run the callables in threads at once; the exceptions they raised."""
    failures: list[BaseException] = []

    def wrap(job):
        try:
            job()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)

    threads = [threading.Thread(target=wrap, args=(j,), daemon=True) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)
    return failures
