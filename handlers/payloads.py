"""Button payloads: short ASCII tokens (≤ 64 bytes), built and parsed here and nowhere else.

``ack:42`` acknowledge assignment 42 · ``ret:42`` return it (asks a reason) · ``rr:42:nm`` return
with a canned reason · ``fw:7`` start forwarding letter 7 · ``fo:7:3`` add person 3 as a
recipient · ``fm:7:3`` make person 3 the principal · ``fp:7:act`` send with a purpose ·
``cf:<token>`` / ``ed:<token>`` / ``cx:<token>`` confirm / edit / cancel a registration draft ·
``ef:<token>:<field>`` edit one field · ``ev:<token>:<field>:<value>`` pick a value ·
``sk:<token>:<field>`` skip an optional field · ``cl:7`` close letter 7 · ``st:7`` status of
letter 7 · ``tr:…`` a training step (handlers.training) · ``my`` my pending list · ``help`` · ``stop`` drop what the chat is in the middle of.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.models import MAX_PAYLOAD_BYTES

_INT_ARGS = {
    "ack": (int,), "ret": (int,), "rr": (int, str), "fw": (int,), "fo": (int, int), "fm": (int, int),
    "fp": (int, str), "cf": (str,), "ed": (str,), "cx": (str,), "ef": (str, str), "ev": (str, str, str),
    "sk": (str, str), "cl": (int,), "st": (int,), "my": (), "help": (), "stop": (),
    "mc": (int,), "me": (int,), "mx": (int,),  # confirm / edit / dismiss a mailbox draft (handlers.mail_drafts)
}  # fmt: skip
# Actions whose argument count depends on the step: ``tr:reg``, ``tr:fw:<letter>``, ``tr:ack:<assignment>``.
_VARIANTS = {"tr": ((str,), (str, int))}
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
    kinds = _INT_ARGS.get(action)
    if action in _VARIANTS:
        kinds = next((k for k in _VARIANTS[action] if len(k) == len(parts)), None)
    if kinds is None or len(parts) != len(kinds):
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
