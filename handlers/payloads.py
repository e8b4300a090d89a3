"""Button payloads: short ASCII tokens (≤ 64 bytes), built and parsed here and nowhere else.

``ack:42`` acknowledge assignment 42 · ``ret:42`` return it (asks a reason) · ``rr:42:nm`` return
with a canned reason · ``fw:7`` start forwarding letter 7 · ``fo:7:3`` add person 3 as a
recipient · ``fm:7:3`` make person 3 the principal · ``fp:7:act`` send with a purpose ·
``cf:<token>`` / ``ed:<token>`` / ``cx:<token>`` confirm / edit / cancel a registration draft ·
``ef:<token>:<field>`` edit one field · ``ev:<token>:<field>:<value>`` pick a value ·
``sk:<token>:<field>`` skip an optional field · ``cl:7`` close letter 7 · ``st:7`` status of
letter 7 · ``at:7`` attach the file held in the chat to letter 7 · ``ln:audit:3`` a web page ·
``tr:…`` a training step (handlers.training) · ``my`` my pending list · ``help`` · ``stop`` drop
what the chat is in the middle of. The list itself is ``handlers.features.ACTIONS``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.features import ACTION_BY_NAME
from handlers.models import MAX_PAYLOAD_BYTES

# The argument shapes come from the one table of button actions (handlers.features).
_TOKEN = re.compile(r"^[A-Za-z0-9_]{1,24}$")


@dataclass(frozen=True)
class Payload:
    action: str
    args: tuple[int | str, ...] = ()

    def __str__(self) -> str:
        return make(self.action, *self.args)


def make(action: str, *args: int | str) -> str:
    text = ":".join([action, *map(str, args)])
    if len(text.encode()) > MAX_PAYLOAD_BYTES or not text.isascii():
        raise ValueError(f"payload too long or not ASCII: {text!r}")
    return text


def parse(raw: str | None) -> Payload | None:
    """The payload, or None when it is not one of ours (a stale or forged button)."""
    if not raw or len(raw.encode("utf-8", "replace")) > MAX_PAYLOAD_BYTES or not raw.isascii():
        return None
    action, *parts = raw.strip().split(":")
    spec = ACTION_BY_NAME.get(action)
    kinds = next((k for k in spec.args if len(k) == len(parts)), None) if spec is not None else None
    if kinds is None:
        return None
    args: list[int | str] = []
    for kind, part in zip(kinds, parts, strict=True):
        if kind is int:
            if not part.isdigit() or len(part) > 18:
                return None
            args.append(int(part))
        else:
            if not _TOKEN.match(part):
                return None
            args.append(part)
    return Payload(action, tuple(args))
