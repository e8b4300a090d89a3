"""For tests of the pages: a signed-in web session for a token's holder, and the CSRF token a page carries.

The web is signed into with a password or a chat link (registry.signin); a test that only needs
*somebody* signed in gets a session the way a chat link would give one, for the person an API
token belongs to (or, for the bootstrap admin token, the bootstrap session the login form opens).
"""

from __future__ import annotations

import re

from sqlalchemy import select

_CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')
SESSION_COOKIE = "saraban_session"


def csrf_of(html: str) -> str:
    """The CSRF token in a rendered page (every POST form carries the session's token)."""
    found = _CSRF.search(html)
    if not found:
        raise AssertionError("the page carries no CSRF token (is anybody signed in?)")
    return found.group(1)


def session_for(app, token: str, *, runtime=None, admin_token: str | None = None) -> str:
    """A live web-session id (the cookie's value) for whoever holds the API *token* (the app's, or
    — for a server in another process — its *runtime* and *admin_token*)."""
    from registry import signin
    from registry.admin import hash_token
    from registry.models import ApiToken

    runtime = runtime or app.state.runtime
    if admin_token is None and app is not None and getattr(app.state, "admin_token", None) is not None:
        admin_token = app.state.admin_token.get_secret_value()
    with runtime.transaction() as s:
        if admin_token is not None and token == admin_token:
            signed = signin.open_bootstrap_session(s, clock=runtime.clock)
            if signed is None:
                raise AssertionError("the bootstrap token signs nobody in once an admin has a password")
            return signed.token
        person_id = s.execute(select(ApiToken.person_id).where(ApiToken.token_hash == hash_token(token))).scalar()
        if person_id is None:
            raise AssertionError("no such API token")
        link = signin.issue_sign_in_link(s, person_id, clock=runtime.clock)
        return signin.use_sign_in_link(s, link, clock=runtime.clock).token


def sign_in(client, token: str, *, runtime=None, admin_token: str | None = None) -> str:
    """Sign the client (a TestClient, or an httpx client with *runtime*) in as the holder of
    *token*; the session id (the cookie) is returned."""
    from registry.signin import csrf_token

    value = session_for(getattr(client, "app", None), token, runtime=runtime, admin_token=admin_token)
    client.cookies.set(SESSION_COOKIE, value)
    # Its CSRF token as a header (check_csrf accepts it as fetch() would send it): the tests' posts
    # then pass the same check a browser's form does, without re-reading every form.
    client.headers["x-csrf-token"] = csrf_token(value)
    return value


def post_form(client, url: str, data: dict | None = None, *, page: str | None = None, **kwargs):
    """POST a page's form as a browser would: with the session's CSRF token (read from *page*,
    default the dashboard) and our own Origin."""
    html = client.get(page or "/admin").text
    body = {"csrf": csrf_of(html), **(data or {})}
    headers = {"origin": str(client.base_url), **kwargs.pop("headers", {})}
    return client.post(url, data=body, headers=headers, **kwargs)
