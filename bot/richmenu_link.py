"""Show a LINE user the rich menu of their roles now (outbox rows of kind ``richmenu``).

registry queues such a row when a LINE account is linked or unlinked and when a person's roles
change (registry.accounts.queue_menu_refresh), so the register stays free of transport. The
deliverer hands the row here: the person's roles are read at delivery time (the latest state wins,
whatever order the rows come in), the menu is found through its alias ``saraban-<role>`` (made by
``saraban setup line``) and linked only when LINE shows another one; an unlinked account's menu
is taken away. Before ``saraban setup line`` has run there is no alias: nothing to link, done.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi
from linebot.v3.messaging.exceptions import ApiException
from sqlalchemy import select

from bot import richmenu
from bot.gateway import SendFailed
from registry.models import ChatAccount, Membership, Person
from registry.runtime import Runtime

log = logging.getLogger("saraban.richmenu")
KIND = "richmenu"  # registry.accounts.MENU_REFRESH


def roles_of_account(runtime: Runtime, user_id: str) -> list[str] | None:
    """The roles of the active person behind this LINE account; None when it is not linked."""
    with runtime.read() as s:
        rows = s.execute(
            select(Person.id, Membership.role)
            .join(ChatAccount, ChatAccount.person_id == Person.id)
            .outerjoin(Membership, Membership.person_id == Person.id)
            .where(ChatAccount.channel == "line", ChatAccount.external_id == user_id, Person.active.is_(True))
        ).all()
    if not rows:
        return None
    return [role for _, role in rows if role is not None]


def _failure(exc: ApiException, what: str) -> SendFailed:
    text = f"LINE {exc.status} ({what}): {str(exc.body)[:300]}"
    if exc.status == 429:
        return SendFailed(text, retry_after=60.0, scope="channel")
    if (exc.status or 0) >= 500:
        return SendFailed(text, scope="channel")
    return SendFailed(text, permanent=True)


async def apply(runtime: Runtime, configuration: Any, user_id: str, *, timeout: float = 10.0) -> str:
    """Link (or unlink) the user's menu; returns what was done. Raises SendFailed."""
    roles = await asyncio.to_thread(roles_of_account, runtime, user_id)
    what = "read"
    try:
        async with AsyncApiClient(configuration) as client:
            api = AsyncMessagingApi(client)
            if roles is None:
                what = "unlink"
                await api.unlink_rich_menu_id_from_user(user_id, _request_timeout=timeout)
                return "unlinked"
            alias = richmenu.alias_for(roles)
            what = f"alias {alias}"
            try:
                found = await api.get_rich_menu_alias(alias, _request_timeout=timeout)
            except ApiException as exc:
                if exc.status == 404:
                    log.info("no rich menu alias %s yet (saraban setup line has not run): nothing to link", alias)
                    return "no menus"
                raise
            what = "current menu"
            try:
                shown = (await api.get_rich_menu_id_of_user(user_id, _request_timeout=timeout)).rich_menu_id
            except ApiException as exc:
                if exc.status != 404:
                    raise
                shown = None
            if shown == found.rich_menu_id:
                return "unchanged"
            what = "link"
            await api.link_rich_menu_id_to_user(user_id, found.rich_menu_id, _request_timeout=timeout)
            return f"linked {alias}"
    except ApiException as exc:
        raise _failure(exc, what) from exc
    except SendFailed:
        raise
    except Exception as exc:
        raise SendFailed(f"LINE unreachable ({what}): {exc!r}", scope="channel") from exc
