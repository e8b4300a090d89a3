"""``saraban setup line --webhook-url URL``: put a LINE Official Account in working order.

Steps, each skipped when LINE already has what we want (running it twice changes nothing):
1. the bot's info; the webhook endpoint set (PUT only when different) and LINE's webhook test;
2. this month's message quota and consumption;
3. one rich menu per role (bot.richmenu), drawn here (bot.richmenu_draw), created once per content
   digest, its image uploaded once, pointed at by the alias ``saraban-<role>``;
4. every linked LINE account linked to its role's menu (only where LINE shows another one), unlinked
   accounts cleared, menus of older drawings deleted.

``--dry-run`` reads everything and prints what it would change, changing nothing. A call LINE
refuses ends the command with a Thai message and exit status 1.

The SDK is the real line-bot-sdk v3, pointed at ``SARABAN_LINE_API_BASE_URL``. Image calls go to
LINE's data host: api-data.line.me when the base is LINE's own api.line.me, else the same base
(the fake serves both).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

import urllib3
from linebot.v3.messaging import (
    ApiClient,
    Configuration,
    CreateRichMenuAliasRequest,
    MessagingApi,
    MessagingApiBlob,
    RichMenuRequest,
    SetWebhookEndpointRequest,
    TestWebhookEndpointRequest,
    UpdateRichMenuAliasRequest,
)
from linebot.v3.messaging.exceptions import ApiException

from bot import richmenu
from bot.richmenu_draw import draw_png

T = TypeVar("T")


class SetupRefused(Exception):
    """A platform refused a call, or could not be reached; the message is Thai, for the officer."""


def data_host(base_url: str) -> str:
    base = base_url.rstrip("/")
    parts = urlsplit(base)
    if parts.hostname == "api.line.me":
        return base.replace("://api.line.me", "://api-data.line.me", 1)
    return base


def public_origin(webhook_url: str) -> str:
    parts = urlsplit(webhook_url)
    return f"{parts.scheme}://{parts.netloc}"


def _why(exc: ApiException) -> str:
    try:
        body = json.loads(exc.body or "{}")
        details = "; ".join(d.get("message", "") for d in body.get("details") or [])
        return (body.get("message") or "") + (f" ({details})" if details else "")
    except (ValueError, AttributeError, TypeError):
        return str(exc.body or exc.reason or "")[:300]


@dataclass
class LineSetup:
    base_url: str
    access_token: str
    dry_run: bool = False
    say: Callable[[str], None] = print
    timeout: float = 20.0
    changes: list[str] = field(default_factory=list)
    webhook_ok: bool = True

    def __post_init__(self) -> None:
        self._api_client = ApiClient(Configuration(host=self.base_url.rstrip("/"), access_token=self.access_token))
        self._data_client = ApiClient(Configuration(host=data_host(self.base_url), access_token=self.access_token))
        self.api = MessagingApi(self._api_client)
        self.blob = MessagingApiBlob(self._data_client)

    def close(self) -> None:
        self._api_client.close()
        self._data_client.close()

    # --- calls --------------------------------------------------------------------------------------
    def _call(self, what_th: str, fn: Callable[..., T], *args: Any, missing_ok: bool = False, **kwargs: Any) -> T | None:
        try:
            return fn(*args, _request_timeout=self.timeout, **kwargs)
        except ApiException as exc:
            if missing_ok and exc.status == 404:
                return None
            raise SetupRefused(f"LINE ปฏิเสธการ{what_th} (HTTP {exc.status}): {_why(exc)}") from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:  # the SDK's transport is urllib3
            raise SetupRefused(f"ติดต่อ LINE เพื่อ{what_th}ไม่ได้: {exc}") from None
        except ValueError as exc:  # an answer the SDK's models do not accept
            raise SetupRefused(f"อ่านคำตอบของ LINE ต่อการ{what_th}ไม่ได้: {exc}") from None

    def _change(self, what_th: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """A call that changes the channel: printed, and skipped in a dry run."""
        self.changes.append(what_th)
        if self.dry_run:
            self.say(f"  [ทดลอง] จะ{what_th}")
            return None
        result = self._call(what_th, fn, *args, **kwargs)
        self.say(f"  {what_th} แล้ว")
        return result

    # --- the steps ---------------------------------------------------------------------------------
    def run(self, webhook_url: str, accounts: list[tuple[str, list[str] | None]]) -> None:
        """*accounts*: (LINE user id, roles) of every LINE chat account; roles None = not linked."""
        self.bot_and_webhook(webhook_url)
        self.quota()
        menu_ids = self.menus(public_origin(webhook_url))
        self.aliases(menu_ids)
        self.link_users(menu_ids, accounts)
        self.forget_old_menus(menu_ids)
        self.say("ตั้งค่า LINE เสร็จแล้วค่ะ" if self.changes else "LINE ตั้งค่าครบอยู่แล้ว ไม่มีอะไรต้องเปลี่ยนค่ะ")

    def bot_and_webhook(self, webhook_url: str) -> None:
        if not webhook_url.startswith("https://"):
            raise SetupRefused("LINE รับเฉพาะ webhook แบบ HTTPS: ใช้ --webhook-url https://…/webhooks/line ค่ะ")
        info = self._call("อ่านข้อมูลบอต", self.api.get_bot_info)
        self.say(f"บอต: {info.display_name} ({info.basic_id}) โหมด {info.chat_mode}")
        current = self._call("อ่าน webhook", self.api.get_webhook_endpoint, missing_ok=True)
        if current is not None and current.endpoint == webhook_url:
            self.say(f"webhook: {webhook_url} (ตั้งไว้แล้ว)")
        else:
            self._change(f"ตั้ง webhook เป็น {webhook_url}", self.api.set_webhook_endpoint,
                         SetWebhookEndpointRequest(endpoint=webhook_url))
        if self.dry_run:
            return
        result = self._call("ทดสอบ webhook", self.api.test_webhook_endpoint,
                            TestWebhookEndpointRequest(endpoint=webhook_url))
        if result.success:
            self.say(f"ทดสอบ webhook ผ่าน: HTTP {result.status_code}")
        else:
            self.webhook_ok = False
            self.say(f"ทดสอบ webhook ไม่ผ่าน: HTTP {result.status_code} {result.reason} {result.detail}")

    def quota(self) -> None:
        quota = self._call("อ่านโควตาข้อความ", self.api.get_message_quota)
        used = self._call("อ่านจำนวนข้อความที่ใช้", self.api.get_message_quota_consumption)
        limit = f"{quota.value:,}" if quota.type == "limited" and quota.value is not None else "ไม่จำกัด"
        self.say(f"ข้อความเดือนนี้: ใช้ไป {used.total_usage:,} จากโควตา {limit}")

    def menus(self, origin: str) -> dict[str, str | None]:
        """role -> rich menu id (None in a dry run for a menu not yet created)."""
        listed = self._call("อ่านรายการ rich menu", self.api.get_rich_menu_list)
        by_name = {m.name: m.rich_menu_id for m in listed.richmenus}
        ids: dict[str, str | None] = {}
        for menu in richmenu.menus(origin):
            name = richmenu.menu_name(menu)
            body = dict(richmenu.rich_menu_object(menu), name=name)
            menu_id = by_name.get(name)
            if menu_id is None:
                request = RichMenuRequest.from_dict(body)
                self._call(f"ตรวจ rich menu {menu.role}", self.api.validate_rich_menu_object, request)
                made = self._change(f"สร้าง rich menu {menu.role} ({menu.title})", self.api.create_rich_menu, request)
                menu_id = made.rich_menu_id if made is not None else None
            else:
                self.say(f"rich menu {menu.role}: {menu_id} (มีอยู่แล้ว)")
            if menu_id is not None:
                has_image = self._call(f"อ่านรูป rich menu {menu.role}", self.blob.get_rich_menu_image, menu_id,
                                       missing_ok=True)
                if has_image is None:
                    self._change(f"อัปโหลดรูป rich menu {menu.role}", self.blob.set_rich_menu_image, menu_id,
                                 draw_png(menu), _headers={"Content-Type": "image/png"})
            elif self.dry_run:
                self.say(f"  [ทดลอง] จะอัปโหลดรูป rich menu {menu.role}")
            ids[menu.role] = menu_id
        return ids

    def aliases(self, menu_ids: dict[str, str | None]) -> None:
        listed = self._call("อ่านรายการ alias", self.api.get_rich_menu_alias_list)
        current = {a.rich_menu_alias_id: a.rich_menu_id for a in listed.aliases}
        for role, menu_id in menu_ids.items():
            alias = f"{richmenu.ALIAS_PREFIX}{role}"
            if menu_id is not None and current.get(alias) == menu_id:
                continue
            if alias in current:
                self._change(f"ชี้ alias {alias} ไปที่เมนูใหม่", self.api.update_rich_menu_alias, alias,
                             UpdateRichMenuAliasRequest(richMenuId=menu_id or "richmenu-pending"))
            else:
                self._change(f"สร้าง alias {alias}", self.api.create_rich_menu_alias,
                             CreateRichMenuAliasRequest(richMenuAliasId=alias, richMenuId=menu_id or "richmenu-pending"))

    def link_users(self, menu_ids: dict[str, str | None], accounts: list[tuple[str, list[str] | None]]) -> None:
        linked = unlinked = 0
        for user_id, roles in accounts:
            shown = self._call("อ่านเมนูของผู้ใช้", self.api.get_rich_menu_id_of_user, user_id, missing_ok=True)
            shown_id = shown.rich_menu_id if shown is not None else None
            if roles is None:
                if shown_id is not None:
                    self._change(f"ถอดเมนูจากผู้ใช้ {user_id}", self.api.unlink_rich_menu_id_from_user, user_id)
                    unlinked += 1
                continue
            target = menu_ids.get(richmenu.menu_role_for(roles))
            if shown_id is not None and shown_id == target:
                continue
            self._change(f"ผูกเมนู {richmenu.menu_role_for(roles)} ให้ผู้ใช้ {user_id}",
                         self.api.link_rich_menu_id_to_user, user_id, target or "richmenu-pending")
            linked += 1
        self.say(f"ผู้ใช้ LINE ที่ผูกบัญชีแล้ว {sum(1 for _, r in accounts if r is not None)} คน: "
                 f"ผูกเมนูใหม่ {linked} คน ถอดเมนู {unlinked} คน")

    def forget_old_menus(self, menu_ids: dict[str, str | None]) -> None:
        keep = {m for m in menu_ids.values() if m}
        listed = self._call("อ่านรายการ rich menu", self.api.get_rich_menu_list)
        for m in listed.richmenus:
            if m.name.startswith(richmenu.NAME_PREFIX) and m.rich_menu_id not in keep:
                self._change(f"ลบ rich menu เก่า {m.name}", self.api.delete_rich_menu, m.rich_menu_id)


def line_accounts(runtime: Any) -> list[tuple[str, list[str] | None]]:
    """(LINE user id, roles or None when not linked to an active person) of every LINE account."""
    from sqlalchemy import select

    from registry.models import ChatAccount, Membership, Person

    with runtime.read() as s:
        rows = s.execute(
            select(ChatAccount.external_id, Person.id, Person.active, Membership.role)
            .outerjoin(Person, Person.id == ChatAccount.person_id)
            .outerjoin(Membership, Membership.person_id == Person.id)
            .where(ChatAccount.channel == "line").order_by(ChatAccount.id)
        ).all()
    found: dict[str, list[str] | None] = {}
    for external_id, person_id, active, role in rows:
        if person_id is None or not active:
            found[external_id] = None
            continue
        roles = found.setdefault(external_id, [])
        if roles is not None and role is not None:
            roles.append(role)
    return list(found.items())
