"""The bodies bot.line sends are exactly what the SDK's own request models would send."""

from __future__ import annotations

from linebot.v3.messaging import PushMessageRequest, ReplyMessageRequest, TextMessage

from bot import render_line
from bot.line import push_request, reply_request
from handlers.models import Button, Card, Field, Reply


def _drawn() -> list[dict]:
    card = Reply(text="รับหนังสือแล้ว", card=Card(title="เลขรับ 12/2569", fields=(Field("เรื่อง", "ขอเชิญประชุม"),),
                                                  buttons=(Button("ส่งต่อ", "fw:1"),)))
    return render_line.messages(card)


def test_a_reply_body_is_the_sdk_request_as_json():
    msgs = [{"type": "text", "text": "สวัสดีครับ"}]
    sdk = ReplyMessageRequest(reply_token="tok", messages=[TextMessage(text="สวัสดีครับ")]).to_dict()
    assert reply_request("tok", msgs) == sdk


def test_a_push_body_is_the_sdk_request_as_json():
    msgs = [{"type": "text", "text": "มีหนังสือถึงท่าน"}]
    sdk = PushMessageRequest(to="U1", messages=[TextMessage(text="มีหนังสือถึงท่าน")]).to_dict()
    assert push_request("U1", msgs) == sdk


def test_drawn_cards_keep_their_json_in_the_body():
    msgs = _drawn()
    body = reply_request("tok", msgs)
    assert body["messages"] == msgs and set(body) == {"replyToken", "messages", "notificationDisabled"}
