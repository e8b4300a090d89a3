"""Who may see or do what is decided in registry/access.py (and which action a letter's state allows
in registry/lifecycle.py) and nowhere else: a grep of the code for the ways a role check is written
finds none outside them.

What counts as a role check: a role's name compared with or looked up among what a person holds
(``role == "clerk"``, ``r in ("clerk", "head")``, a tuple of role names), the old helpers
(``has_role``, ``require_roles``, ``Principal.has``, ``units_with``, ``is_admin(...)``), reading
``principal.roles``/``ctx.roles`` or ``.is_admin`` to decide, and comparing clearance ranks. Selecting
*people* by a role (``Membership.role == "clerk"``: whom to notify, whom to list in a form) is data,
not a decision about the viewer, and is left alone; so are the role names of the seed data and of
the API schema.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = ("registry", "handlers", "admin_api", "bot", "saraban")
ALLOWED = {
    "registry/access.py",       # the one rule
    "registry/lifecycle.py",    # the lifecycle table
    "registry/permissions.py",  # the facts: role names, clearance ranks, who holds what
}
# Sign-in code the lead owns (not to be edited here): it records whether a token's person is an admin.
SIGN_IN = {"admin_api/deps.py": ("def principal_for_token",), "registry/signin.py": ()}
ROLE = r"(?:clerk|owner|head|admin|auditor)"
CHECKS = [
    re.compile(r"\b(?:has_role|require_roles|units_with)\s*\("),
    re.compile(r"\bis_admin\s*\("),
    re.compile(r"\.has\(\s*['\"]"),
    re.compile(r"\b(?:principal|ctx)\.roles\b"),
    re.compile(r"\bprincipal\.is_admin\b"),
    re.compile(r"(?<!Membership\.)\b(?:role|r)\s*(?:==|!=)\s*['\"]" + ROLE + r"['\"]"),
    re.compile(r"\b(?:role|r)\s+(?:not\s+)?in\s+\(\s*['\"]" + ROLE),
    re.compile(r"\(\s*['\"]" + ROLE + r"['\"]\s*,\s*['\"]" + ROLE + r"['\"]"),  # a tuple of role names
    re.compile(r"\bCLEARANCE_RANK\.get\("),
    re.compile(r"\.clearance\s*(?:>=|<=|>|<)"),
]
# Role names as data: the seed organisation, the API's list of role names, and which rich-menu layout
# a role gets (presentation only: every button behind it is checked by the handlers through access).
DATA_FILES = {"registry/demo.py", "admin_api/schemas.py", "bot/richmenu.py"}
DATA = re.compile(r"Membership\.role|^\s*#|Literal\[")


def offending_lines() -> list[str]:
    found = []
    for folder in CODE:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in (".py", ".html") or "migrations" in path.parts:
                continue
            rel = path.relative_to(ROOT).as_posix()
            if rel in ALLOWED or rel in DATA_FILES:
                continue
            inside_sign_in = False
            for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
                if rel in SIGN_IN:
                    starts = SIGN_IN[rel]
                    if not starts or any(line.startswith(s) for s in starts):
                        inside_sign_in = True
                    elif line and not line[0].isspace():
                        inside_sign_in = False
                    if inside_sign_in:
                        continue
                if DATA.search(line):
                    continue
                if any(c.search(line) for c in CHECKS):
                    found.append(f"{rel}:{n}: {line.strip()}")
    return found


def test_no_role_check_outside_the_access_module():
    assert offending_lines() == []


def test_the_grep_finds_a_role_check_where_one_is_written(tmp_path, monkeypatch):
    """The patterns are not blind: each way of writing a role check is caught."""
    samples = [
        'if principal.has("admin", "auditor"):',
        'if has_role(session, pid, unit, ("clerk", "head", "admin")):',
        'mine = [u for u, r in principal.roles if r in ("clerk", "owner")]',
        'if role == "admin":',
        'ok = CLEARANCE_RANK.get(person.clearance, 0) >= 2',
        'Depends(require_roles("admin"))',
        'if principal.is_admin:',
        'units = ctx.units_with("clerk")',
    ]
    for sample in samples:
        assert any(c.search(sample) for c in CHECKS), sample
    for data in ('select(Membership.person_id).where(Membership.role == "clerk")', 'Role = Literal["clerk", "owner"]'):
        assert DATA.search(data)
