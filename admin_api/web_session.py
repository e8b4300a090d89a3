"""The web session at the HTTP edge: the cookie, who it stands for, its CSRF token, the form field.

The register (``registry.signin``) keeps sessions and decides who may sign in; this module reads
and writes the cookie and speaks HTML forms.

The cookie holds a random server-side session id (never a bearer token): HttpOnly, Secure when
the browser reached us over HTTPS, SameSite=Lax. Lax rather than Strict because officers open
letter pages from links in LINE and Telegram (a cross-site navigation): with Strict they would
land on the sign-in page although signed in. GET pages change nothing; every POST is checked by
``pages_support.form_guard`` (Origin + this session's CSRF token).
"""

from __future__ import annotations

from markupsafe import Markup, escape

from registry.permissions import roles_of
from registry.signin import SESSION_TTL, SignedIn, csrf_ok, csrf_token, session_holder

SESSION_COOKIE = "saraban_session"
CSRF_FIELD = "csrf"


def cookie_token(request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def principal_for_session(runtime, token: str | None):
    """The Principal a session cookie stands for (channel "web"), or None."""
    from admin_api.deps import Principal

    if not token:
        return None
    with runtime.read() as session:
        holder = session_holder(session, token, clock=runtime.clock)
        if holder is None:
            return None
        if holder.person_id is None:
            return Principal(None, (), True, "web")
        roles = tuple(roles_of(session, holder.person_id))
    return Principal.of(holder.person_id, roles, "web")


def is_https(request) -> bool:
    """HTTPS as the browser sees it: directly, or behind our TLS proxy (which sets X-Forwarded-Proto)."""
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "").lower() == "https"


def set_session_cookie(response, request, signed: SignedIn) -> None:
    response.set_cookie(SESSION_COOKIE, signed.token, httponly=True, samesite="lax", secure=is_https(request),
                        max_age=int(SESSION_TTL.total_seconds()), path="/")


def clear_session_cookie(response, request) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=is_https(request))


def csrf_input(request) -> Markup:
    """The hidden field every POST form of the pages carries (empty when nobody is signed in)."""
    token = cookie_token(request) if request is not None else None
    if not token:
        return Markup("")
    return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf_token(token))}">')


async def check_csrf(request) -> None:
    """Refuse (CrossSiteForm → 403, nothing written) a POST carrying a session cookie without that
    session's token.

    A POST with no session cookie is let through here: the route itself then refuses it (sign-in
    required), and the sign-in forms have no session yet (the Origin check guards them).
    """
    from admin_api.pages_support import CrossSiteForm

    token = cookie_token(request)
    if not token:
        return
    content_type = request.headers.get("content-type", "")
    given = None
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # Starlette caches it: the route's Form() parameters still read it
        given = form.get(CSRF_FIELD)
    given = given or request.headers.get("x-csrf-token")
    if not csrf_ok(token, given if isinstance(given, str) else None):
        raise CrossSiteForm()
