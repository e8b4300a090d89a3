"""เข้าเว็บ: a one-time link that signs the officer in on the web (no password to remember).

The chat is the proof of who they are: the link goes only to the chat account linked to the
person, is spent by one press of the page's button and expires after ``LINK_TTL``
(``registry.signin``). The web page answers the same for a link sent from the sign-in form.
"""

from __future__ import annotations

from handlers import texts
from handlers.context import Ctx, say
from handlers.models import Reply
from registry import signin

SENT_TOO_OFTEN = ("ขออภัยค่ะ ระบบส่งลิงก์เข้าสู่ระบบให้ท่านหลายครั้งแล้วในช่วงนี้ "
                  "กรุณาใช้ลิงก์ล่าสุด หรือรอสักครู่แล้วพิมพ์ “เข้าเว็บ” อีกครั้งค่ะ")
IN_GROUP = "ลิงก์เข้าสู่ระบบส่งให้ได้เฉพาะในแชตส่วนตัวกับบอตค่ะ กรุณาพิมพ์ “เข้าเว็บ” ในแชตส่วนตัว"
LINK_TEXT = ("ลิงก์เข้าสู่ระบบทางเว็บของท่าน (ใช้ได้ครั้งเดียวภายใน {minutes} นาที อย่าส่งต่อให้ผู้อื่น):\n{url}")


def typed(ctx: Ctx, result=None, text: str = "") -> list[Reply]:
    if ctx.person is None:
        return [say(texts.UNLINKED)]
    if ctx.inbound.is_group:  # everyone in the group would see the link
        return [say(IN_GROUP)]
    if signin.links_sent_recently(ctx.session, ctx.person.id, clock=ctx.runtime.clock) >= signin.MAX_LINKS_PER_TTL:
        return [say(SENT_TOO_OFTEN)]
    token = signin.issue_sign_in_link(ctx.session, ctx.person.id, clock=ctx.runtime.clock)
    base = (ctx.runtime.public_url or "").rstrip("/")
    minutes = int(signin.LINK_TTL.total_seconds() // 60)
    return [say(LINK_TEXT.format(minutes=minutes, url=f"{base}/admin/signin/{token}"))]
