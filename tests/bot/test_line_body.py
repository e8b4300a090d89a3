"""The bodies bot.line sends are exactly what the SDK's own request models would send."""

from __future__ import annotations

from linebot.v3.messaging import PushMessageRequest, ReplyMessageRequest, TextMessage

from bot.line import push_request, reply_request


def test_a_reply_body_is_the_sdk_request_as_json():
    msgs = [{"type": "text", "text": "สวัสดีครับ"}]
    sdk = ReplyMessageRequest(reply_token="tok", messages=[TextMessage(text="สวัสดีครับ")]).to_dict()
    assert reply_request("tok", msgs) == sdk


def test_a_push_body_is_the_sdk_request_as_json():
    msgs = [{"type": "text", "text": "มีหนังสือถึงท่าน"}]
    sdk = PushMessageRequest(to="U1", messages=[TextMessage(text="มีหนังสือถึงท่าน")]).to_dict()
    assert push_request("U1", msgs) == sdk
