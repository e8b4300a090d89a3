"""For HTTP tests that post the pages' forms: the CSRF token a page carries."""

from __future__ import annotations

import re

_CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token in a rendered page (every POST form carries the session's token)."""
    found = _CSRF.search(html)
    if not found:
        raise AssertionError("the page carries no CSRF token (is anybody signed in?)")
    return found.group(1)
