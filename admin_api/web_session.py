"""The web session at the HTTP edge: which cookie, its CSRF token, the hidden form field.

The register (``registry.signin``) keeps sessions and decides who may sign in; this module only
reads the cookie and speaks HTML forms.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from registry.signin import csrf_ok, csrf_token

# The cookie holds a random server-side session id (never a bearer token).
SESSION_COOKIE = "saraban_session"
CSRF_FIELD = "csrf"


def cookie_token(request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def csrf_input(request) -> Markup:
    """The hidden field every POST form of the pages carries (empty when nobody is signed in)."""
    token = cookie_token(request) if request is not None else None
    if not token:
        return Markup("")
    return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf_token(token))}">')


async def check_csrf(request) -> None:
    """Refuse (CrossSiteForm → 403, nothing written) a signed-in POST without its session's token.

    A POST with no session cookie is let through here: the route itself then refuses it (sign-in
    required), and the sign-in form has no session yet.
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
