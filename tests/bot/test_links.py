"""Link buttons (the audit page, a secret letter's page): a browser link on LINE and Telegram when
the public address is HTTPS, the postback that answers with the path otherwise, a link on the web."""

from __future__ import annotations

from bot import render_line, render_telegram
from bot.gateway import reply_from_dict, reply_to_dict
from bot.links import absolute
from handlers.links import link_button
from handlers.models import Card, Reply

PUBLIC = "https://saraban.example.go.th/"


def _reply() -> Reply:
    button = link_button("เปิดหน้าสุ่มตรวจ", "audit", 7)
    return Reply(text="สุ่มตรวจแล้วค่ะ", card=Card(title="สุ่มตรวจ", buttons=(button,)), quick_replies=(button,),
                 items=(Card(title="รายการ", buttons=(button,)),))


def _actions(obj) -> list[dict]:
    found = []
    if isinstance(obj, dict):
        if obj.get("type") in ("uri", "postback") and "label" in obj:
            found.append(obj)
        for v in obj.values():
            found += _actions(v)
    elif isinstance(obj, list):
        for v in obj:
            found += _actions(v)
    return found


def test_https_public_address_draws_browser_links():
    [drawn] = absolute([_reply()], PUBLIC)
    actions = _actions(render_line.render([drawn]))
    assert actions and all(a == {"type": "uri", "label": "เปิดหน้าสุ่มตรวจ",
                                 "uri": "https://saraban.example.go.th/admin/audits/7"} for a in actions)
    rows = [b for m in render_telegram.render([drawn]) for row in m.keyboard or [] for b in row]
    assert rows and all(b == {"text": "เปิดหน้าสุ่มตรวจ", "url": "https://saraban.example.go.th/admin/audits/7"}
                        for b in rows)


def test_plain_http_or_no_address_keeps_the_postback():
    for public in ("http://127.0.0.1:8000", None):
        [drawn] = absolute([_reply()], public)
        actions = _actions(render_line.render([drawn]))
        assert actions and all(a["type"] == "postback" and a["data"] == "ln:audit:7" for a in actions)
        rows = [b for m in render_telegram.render([drawn]) for row in m.keyboard or [] for b in row]
        assert rows and all(b == {"text": "เปิดหน้าสุ่มตรวจ", "callback_data": "ln:audit:7"} for b in rows)


def test_the_web_chat_gets_the_path_and_the_outbox_keeps_it():
    d = reply_to_dict(_reply())
    assert d["card"]["buttons"][0]["url"] == "/admin/audits/7"
    assert reply_from_dict(d) == _reply()
