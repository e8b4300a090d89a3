"""Link buttons (``Button.url``, a path of this server) made absolute for the platforms, or dropped.

LINE and Telegram open a link button in the phone's browser, so the path needs the public address
(``SARABAN_PUBLIC_URL``). Both platforms refuse or warn on plain-HTTP and loopback addresses, so a
link is drawn only when the public address is HTTPS; otherwise the button keeps its postback
payload (``ln:<page>:<id>``), which the handlers answer with the path as text (handlers.links).
The web chat draws the relative path as it is.
"""

from __future__ import annotations

from dataclasses import replace

from handlers.models import Button, Card, Reply


def usable_base(public_url: str | None) -> str | None:
    """The base to prefix link paths with, or None when links cannot be drawn (not HTTPS)."""
    if not public_url or not public_url.lower().startswith("https://"):
        return None
    return public_url.rstrip("/")


def _button(b: Button, base: str | None) -> Button:
    if b.url is None or b.url.startswith("https://"):
        return b
    return replace(b, url=f"{base}{b.url}" if base and b.url.startswith("/") else None)


def _card(c: Card, base: str | None) -> Card:
    if not any(b.url for b in c.buttons):
        return c
    return replace(c, buttons=tuple(_button(b, base) for b in c.buttons))


def absolute(replies: list[Reply], public_url: str | None) -> list[Reply]:
    """*replies* with every link button absolute (HTTPS public address) or turned into its postback."""
    base = usable_base(public_url)
    out = []
    for r in replies:
        if r.card is None and not r.items and not any(b.url for b in r.quick_replies):
            out.append(r)
            continue
        out.append(replace(r, card=_card(r.card, base) if r.card is not None else None,
                           items=tuple(_card(c, base) for c in r.items),
                           quick_replies=tuple(_button(b, base) for b in r.quick_replies)))
    return out
