"""``saraban serve --workers 4`` on PostgreSQL: clerks whose every request may land on another
worker process still get gapless numbers and their own conversations, and each owner notice
reaches the owner once although all four workers run the outbox deliverer.

The server is the real command in its own process group, talking to the fake LINE API over
loopback; every webhook goes out on a new connection, so the kernel hands each to whichever
worker accepts it.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from registry.models import Book, Letter, OutboxMessage, Registration
from tests.bot.harness import LINE_SECRET, LINE_TOKEN, line_texts, postbacks, sign
from tests.live_server import free_port

pytestmark = pytest.mark.skipif(not os.environ.get("SARABAN_TEST_DATABASE_URL"),
                                reason="several server processes are a PostgreSQL deployment")

WORKERS, CLERKS, LETTERS = 4, 6, 4
ROOT = Path(__file__).resolve().parents[2]


def _cpu_of_workers(server: subprocess.Popen) -> dict[int, float]:
    """CPU seconds so far of each worker process under the uvicorn supervisor."""
    out: dict[int, float] = {}
    for task in Path(f"/proc/{server.pid}/task").iterdir():
        for pid in (task / "children").read_text().split():
            try:
                if b"spawn_main" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                    continue  # multiprocessing's resource tracker, not a worker
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            out[int(pid)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


@pytest.fixture
def server(runtime, demo, database_url, line_api, tmp_path):
    port = free_port()
    env = dict(os.environ, SARABAN_DATABASE_URL=database_url, SARABAN_DEMO="1",
               SARABAN_LINE_CHANNEL_SECRET=LINE_SECRET, SARABAN_LINE_CHANNEL_ACCESS_TOKEN=LINE_TOKEN,
               SARABAN_LINE_API_BASE_URL=line_api.url, SARABAN_ATTACHMENTS_DIR=str(tmp_path / "att"))
    log = open(tmp_path / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "saraban.cli", "serve", "--port", str(port),
                             "--workers", str(WORKERS)], env=env, cwd=ROOT, stdout=log, stderr=log,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while (tmp_path / "server.log").read_text().count("Application startup complete") < WORKERS \
                or not _ready(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("the server did not start:\n" + (tmp_path / "server.log").read_text())
            time.sleep(0.2)
        yield proc, url
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        log.close()


def _pending(runtime) -> int:
    with runtime.read() as s:
        return s.execute(select(func.count()).select_from(OutboxMessage)
                         .where(OutboxMessage.status == "pending")).scalar_one()


def _ready(url: str) -> bool:
    try:
        return httpx.get(url + "/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def card_rows(obj) -> list[str]:
    """``label: value`` of every row of the Flex bubbles in a LINE message JSON."""
    rows: list[str] = []
    if isinstance(obj, dict):
        contents = obj.get("contents")
        if obj.get("layout") == "baseline" and isinstance(contents, list) and len(contents) == 2:
            rows.append(f"{contents[0].get('text', '')}: {contents[1].get('text', '')}")
        for value in obj.values():
            rows.extend(card_rows(value))
    elif isinstance(obj, list):
        for value in obj:
            rows.extend(card_rows(value))
    return rows


class Clerk:
    """A LINE user who pastes headers and presses buttons, each webhook on a new connection."""

    def __init__(self, url: str, line_api, n: int) -> None:
        self.url, self.line_api, self.n = url, line_api, n
        self.user_id = "U" + uuid.uuid4().hex
        self.receipts: dict[str, str] = {}  # subject → the receipt's text
        self.error: BaseException | None = None

    def _send(self, event: dict) -> list[dict]:
        token = uuid.uuid4().hex
        event.update(replyToken=token, webhookEventId=uuid.uuid4().hex.upper()[:26], mode="active",
                     timestamp=int(time.time() * 1000), source={"type": "user", "userId": self.user_id},
                     deliveryContext={"isRedelivery": False})
        raw = json.dumps({"destination": "U" + "0" * 32, "events": [event]}, ensure_ascii=False).encode()
        res = httpx.post(self.url + "/webhooks/line", content=raw, timeout=30,  # a new connection each time
                         headers={"content-type": "application/json", "x-line-signature": sign(raw)})
        assert res.status_code == 200, res.text
        reply = self.line_api.wait_for(
            lambda: [r for r in self.line_api.calls("/v2/bot/message/reply", ok=True)
                     if r.body.get("replyToken") == token], timeout=30, what=f"the reply to {self.user_id}")
        return reply[0].body["messages"]

    def say(self, text: str) -> list[dict]:
        return self._send({"type": "message", "message": {"type": "text", "id": uuid.uuid4().hex[:18], "text": text}})

    def press(self, msgs: list[dict], prefix: str) -> list[dict]:
        data = next((d for _, d in reversed(postbacks(msgs)) if d.startswith(prefix)), None)
        assert data, f"no {prefix} button in {line_texts(msgs)}"
        return self._send({"type": "postback", "postback": {"data": data}})

    def work(self, owner: int) -> None:
        try:
            for k in range(LETTERS):
                subject = f"ทดสอบหลายโปรเซส ชุดที่ {self.n} ฉบับที่ {k + 1}"
                card = self.say(f"ลงรับ\nที่ มท 0808.{self.n}/ว {k + 1}\nลงวันที่ 1 มี.ค. 2569\n"
                                f"จาก กรมบัญชีกลาง\nเรื่อง {subject}")
                receipt = self.press(card, "cf:")
                self.receipts[subject] = "\n".join(card_rows(receipt))
                letter = next(d for _, d in postbacks(receipt) if d.startswith("fw:")).split(":")[1]
                picker = self.press(receipt, f"fw:{letter}")
                purposes = self.press(picker, f"fo:{letter}:{owner}")
                done = self.press(purposes, f"fp:{letter}:")
                assert "ส่งต่อ" in "\n".join(line_texts(done))
        except BaseException as exc:  # reported by the test's thread
            self.error = exc


def test_four_workers_keep_numbers_conversations_and_notices(server, runtime, demo, line_api):
    proc, url = server
    from registry.accounts import link_directly
    from registry.events import Actor

    owner = demo.person("owner")
    clerks = [Clerk(url, line_api, n) for n in range(1, CLERKS + 1)]
    owner_user = "U" + uuid.uuid4().hex
    with runtime.transaction() as s:
        for c in clerks:
            link_directly(s, "line", c.user_id, demo.person("clerk"), actor=Actor(None, "cli"))
        link_directly(s, "line", owner_user, owner, actor=Actor(None, "cli"))
    before = _cpu_of_workers(proc)

    threads = [threading.Thread(target=c.work, args=(owner,)) for c in clerks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(240)
    for c in clerks:
        if c.error is not None:
            raise c.error

    # gapless: the book holds 1..N, one number for each letter
    with runtime.read() as s:
        rows = s.execute(select(Registration.number, Letter.subject, Letter.id)
                         .join(Letter, Letter.id == Registration.letter_id)
                         .join(Book, Book.id == Registration.book_id)
                         .where(Book.unit_id == demo.unit("มท 0201"), Book.direction == "incoming")).all()
    numbers = sorted(r.number for r in rows)
    assert numbers == list(range(1, len(numbers) + 1))
    mine = {r.subject: r for r in rows if r.subject.startswith("ทดสอบหลายโปรเซส")}
    assert len(mine) == CLERKS * LETTERS

    # intact conversations: each clerk's receipt is of the letter that clerk pasted, with its number
    for c in clerks:
        for subject, text in c.receipts.items():
            assert re.search(r"^เรื่อง: (.+)$", text, re.M).group(1) == subject, text
            assert re.search(r"^เลขรับ: (\d+)/", text, re.M).group(1) == str(mine[subject].number), text

    # single notices: every forward reached the owner in exactly one push, whichever workers delivered
    deadline = time.monotonic() + 60
    while _pending(runtime):
        assert time.monotonic() < deadline, "the outbox never drained"
        time.sleep(0.2)
    attempts = [r for r in line_api.calls("/v2/bot/message/push") if r.body.get("to") == owner_user]
    assert all(r.ok for r in attempts), [(r.status, r.body) for r in attempts if not r.ok]
    seen = Counter(subject for r in attempts for subject in mine if subject in "\n".join(line_texts(r.body)))
    assert seen == Counter({subject: 1 for subject in mine}), seen
    # not even a second attempt that LINE would have refused by its retry key (409)
    keys = [r.headers.get("x-line-retry-key") for r in attempts]
    assert all(keys) and len(set(keys)) == len(keys)

    # the premise of all the above: more than one worker process did a share of the work
    spent = {pid: cpu - before.get(pid, 0.0) for pid, cpu in _cpu_of_workers(proc).items()}
    busy = [pid for pid, cpu in spent.items() if cpu >= 0.15 * max(spent.values())]
    assert len(busy) >= 2, spent
