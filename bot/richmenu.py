"""The LINE rich menus: one per role, found by a rich menu alias (``saraban-<role>``).

The menus are data here; ``bot.richmenu_draw`` draws their image (Thai, Sarabun) from the same
data, ``bot.setup_line`` creates them on LINE and ``bot.richmenu_link`` links a person's menu when
they link their chat account or their roles change. A menu's LINE name carries a digest of its
object and drawing, so ``saraban setup line`` knows an unchanged menu without downloading it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from urllib.parse import urljoin

DRAWING_VERSION = "1"  # bump when richmenu_draw changes how an unchanged menu looks
ALIAS_PREFIX = "saraban-"
NAME_PREFIX = "saraban "
WIDTH = 2500
FULL_HEIGHT, HALF_HEIGHT = 1686, 843  # the two sizes LINE accepts for a rich menu
CHAT_BAR_TEXT = "เมนูสารบรรณ"  # at most 14 characters


@dataclass(frozen=True)
class Tile:
    label: str  # drawn large
    hint: str  # drawn small under it
    action: dict[str, Any]  # LINE action object (label added when drawn into the menu object)


@dataclass(frozen=True)
class Menu:
    role: str  # clerk | owner | head | admin
    title: str  # Thai, drawn nowhere, shown in setup's report
    rows: int  # 1 (2500x843) or 2 (2500x1686)
    tiles: tuple[Tile, ...]

    @property
    def alias(self) -> str:
        return f"{ALIAS_PREFIX}{self.role}"

    @property
    def height(self) -> int:
        return FULL_HEIGHT if self.rows == 2 else HALF_HEIGHT


def _say(text: str) -> dict[str, Any]:
    return {"type": "message", "text": text}


def _postback(data: str, display: str) -> dict[str, Any]:
    return {"type": "postback", "data": data, "displayText": display}


def _page(public_url: str, path: str) -> dict[str, Any]:
    return {"type": "uri", "uri": urljoin(public_url.rstrip("/") + "/", path.lstrip("/"))}


def menus(public_url: str) -> tuple[Menu, ...]:
    """The four menus; *public_url* is the HTTPS origin people reach the admin pages at."""
    register = Tile("ลงรับ", "หนังสือเข้าใหม่", _say("ลงรับ"))
    number = Tile("ออกเลข", "หนังสือส่ง", _say("ออกเลข"))
    mine = Tile("งานของฉัน", "เรื่องที่รอรับทราบ", _postback("my", "งานของฉัน"))
    search = Tile("ค้นหา", "ตามเรื่อง จาก เลขรับ", _say("ค้นหา"))
    status = Tile("สถานะ", "ติดตามเรื่อง", _say("สถานะ"))
    helps = Tile("ช่วยเหลือ", "วิธีใช้งาน", _postback("help", "ช่วยเหลือ"))
    reports = Tile("รายงาน", "ภาพรวมหน่วยงาน", _page(public_url, "/admin/reports"))
    audits = Tile("สุ่มตรวจ", "งานตรวจสอบ", _page(public_url, "/admin/audits"))
    system = Tile("ระบบ", "สถานะระบบ", _page(public_url, "/admin/system"))
    return (
        Menu("clerk", "เจ้าหน้าที่สารบรรณ", 2, (register, number, mine, search, status, helps)),
        Menu("owner", "ผู้รับผิดชอบเรื่อง", 1, (mine, search, status, helps)),
        Menu("head", "หัวหน้าหน่วยงาน", 1, (mine, search, reports, helps)),
        Menu("admin", "ผู้ดูแลระบบและผู้ตรวจสอบ", 2, (register, mine, search, audits, system, helps)),
    )


# The menu a person sees: the widest of their roles (a clerk who also owns letters gets the clerk's).
ROLE_ORDER = (("admin", "admin"), ("auditor", "admin"), ("head", "head"), ("clerk", "clerk"), ("owner", "owner"))


def menu_role_for(roles: Iterable[str]) -> str:
    held = set(roles)
    for role, menu in ROLE_ORDER:
        if role in held:
            return menu
    return "owner"  # linked with no role yet: the plainest menu


def alias_for(roles: Iterable[str]) -> str:
    return f"{ALIAS_PREFIX}{menu_role_for(roles)}"


def cells(menu: Menu) -> list[tuple[int, int, int, int]]:
    """(x, y, width, height) of each tile: 3 columns on two rows, or one row of all tiles."""
    per_row = (len(menu.tiles) + menu.rows - 1) // menu.rows
    row_h = menu.height // menu.rows
    out = []
    for i in range(len(menu.tiles)):
        r, c = divmod(i, per_row)
        x0 = WIDTH * c // per_row
        x1 = WIDTH * (c + 1) // per_row
        out.append((x0, r * row_h, x1 - x0, row_h if r < menu.rows - 1 else menu.height - r * row_h))
    return out


def rich_menu_object(menu: Menu) -> dict[str, Any]:
    """The LINE rich menu object (without its name, which carries the digest)."""
    areas = []
    for tile, (x, y, w, h) in zip(menu.tiles, cells(menu), strict=True):
        action = dict(tile.action)
        action["label"] = tile.label[:20]  # LINE: an action label is at most 20 characters
        areas.append({"bounds": {"x": x, "y": y, "width": w, "height": h}, "action": action})
    return {"size": {"width": WIDTH, "height": menu.height}, "selected": True,
            "chatBarText": CHAT_BAR_TEXT, "areas": areas}


def digest(menu: Menu) -> str:
    canonical = json.dumps({"object": rich_menu_object(menu), "hints": [t.hint for t in menu.tiles],
                            "drawing": DRAWING_VERSION}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def menu_name(menu: Menu) -> str:
    return f"{NAME_PREFIX}{menu.role} {digest(menu)}"
