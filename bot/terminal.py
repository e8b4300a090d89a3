"""``saraban chat --as <person id>``: talk to the handlers from a terminal (training, trying out).

The terminal account (``terminal``/``person-<id>``) is linked to the person without a code
(registry.accounts.link_directly, an event). Buttons are numbered: type the number to press one.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable
from typing import TextIO

from bot import intake
from handlers.models import Button, Inbound, Reply
from registry.accounts import link_directly
from registry.events import Actor
from registry.runtime import Runtime

PROMPT = "คุณ> "
QUIT = {"ออก", "/quit", "/exit", "quit", "exit"}


def draw(reply: Reply) -> tuple[str, list[Button]]:
    """A reply as terminal text, with its buttons numbered from 1."""
    from handlers.cards import card_text

    lines = [reply.text] if reply.text else []
    buttons: list[Button] = []
    if reply.card is not None:
        body = card_text(reply.card)
        if body and body.strip() != (reply.text or "").strip():
            lines.append(body)
        buttons.extend(reply.card.buttons)
    for item in reply.items:  # a list answer: its text is the plain list; the items' buttons are numbered
        buttons.extend(item.buttons)
    buttons.extend(reply.quick_replies)
    return "\n".join(lines), buttons


class TerminalChat:
    def __init__(self, runtime: Runtime, person_id: int, *, out: TextIO = sys.stdout) -> None:
        self.runtime = runtime
        self.person_id = person_id
        self.chat_id = f"person-{person_id}"
        self.out = out
        self.buttons: list[Button] = []

    def link(self) -> str:
        with self.runtime.transaction() as session:
            account = link_directly(session, "terminal", self.chat_id, self.person_id, actor=Actor(None, "cli"),
                                    clock=self.runtime.clock)
            from registry.models import Person

            return session.get(Person, account.person_id).name

    def send(self, line: str) -> list[Reply]:
        line = line.strip()
        key = f"terminal:{uuid.uuid4().hex}"
        now = self.runtime.clock.now()
        if line.isdigit() and 1 <= int(line) <= len(self.buttons):
            inbound = Inbound(channel="terminal", event_id=key, account_id=self.chat_id, chat_id=self.chat_id,
                              kind="button", payload=self.buttons[int(line) - 1].payload, at=now)
        else:
            inbound = Inbound(channel="terminal", event_id=key, account_id=self.chat_id, chat_id=self.chat_id,
                              kind="text", text=line, at=now)
        return intake.process(self.runtime, inbound) or []

    def show(self, replies: list[Reply]) -> None:
        self.buttons = []
        for reply in replies:
            text, buttons = draw(reply)
            if text:
                print(f"บอท> {text}", file=self.out)
            self.buttons.extend(buttons)
        if self.buttons:
            print("      " + "  ".join(f"[{i}] {b.label}" for i, b in enumerate(self.buttons, 1)), file=self.out)
        self.out.flush()

    def run(self, read: Callable[[str], str] = input) -> None:
        name = self.link()
        print(f"แชตในนาม {name} — พิมพ์ข้อความ หรือพิมพ์หมายเลขเพื่อกดปุ่ม (ออก: “ออก” หรือ Ctrl-D)", file=self.out)
        self.show(self.send("ช่วยเหลือ"))
        while True:
            try:
                line = read(PROMPT)
            except (EOFError, KeyboardInterrupt):
                print(file=self.out)
                return
            if line.strip() in QUIT:
                return
            if line.strip():
                self.show(self.send(line))
