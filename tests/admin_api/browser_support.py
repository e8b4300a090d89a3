"""What the browser tests share: Debian's chromium through Playwright, the app on a loopback port,
a signed-in page at a given width, and the checks every page must pass (axe-core from npm: no
serious or critical violations; no horizontal overflow at 390 px; the Sarabun web font)."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SARABAN_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not (Path(CHROMIUM).is_file() or shutil.which("chromium")):
    pytest.skip(f"chromium not found at {CHROMIUM} (install it: apt-get install -y chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    """One browser for the module; Playwright gives it a fresh temporary profile (user-data-dir)."""
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium"),
                              args=FLAGS, headless=True)
        yield b
        b.close()


class LiveURL(str):
    """The served app's address; ``.app`` is the app itself (to open web sessions for tests)."""

    app = None


@pytest.fixture
def live(app):
    """The app served by uvicorn on 127.0.0.1 and a free port, in a thread."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    url = LiveURL(f"http://127.0.0.1:{port}")
    url.app = app
    yield url
    server.should_exit = True
    thread.join(timeout=10)


def open_page(browser, live: str, token: str | None, viewport: dict):
    """(context, page) signed in as the holder of API *token*: a web session as a chat sign-in link
    gives one, in the cookie as /admin/login sets it (tests/web_forms.py)."""
    from tests.web_forms import SESSION_COOKIE, session_for

    context = browser.new_context(viewport=viewport, device_scale_factor=1, locale="th-TH", accept_downloads=True)
    if token:
        context.add_cookies([{"name": SESSION_COOKIE, "value": session_for(live.app, token), "url": live,
                              "httpOnly": True, "sameSite": "Lax"}])
    return context, context.new_page()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def no_horizontal_overflow(page) -> None:
    """Nothing sticks out to the right of the window (a phone would scroll sideways)."""
    width = page.evaluate("document.documentElement.clientWidth")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    offenders = page.evaluate("""(w) => [...document.querySelectorAll('body *')].filter(e => {
        const r = e.getBoundingClientRect();
        if (r.width === 0 || r.right <= w + 1) return false;
        for (let p = e.parentElement; p; p = p.parentElement) {   // inside a box that scrolls itself: fine
            const o = getComputedStyle(p).overflowX;
            if ((o === 'auto' || o === 'scroll' || o === 'hidden') && p.getBoundingClientRect().right <= w + 1) return false;
        }
        return true;
    }).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 40))""", width)
    assert scroll <= width + 1 and offenders == [], f"horizontal overflow at {width}px: {scroll}px, {offenders}"


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core violations of the page ("impact: rule: target")."""
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (run `make install`, which runs npm install)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.impact + ': ' + v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
    }""")
    return list(result)


def uses_sarabun(page) -> None:
    page.evaluate("document.fonts.ready")
    page.wait_for_function("document.fonts.check('16px Sarabun')", timeout=10_000)
    strays = page.evaluate("""() => {
        const out = [];
        const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walk.nextNode(); n; n = walk.nextNode()) {
            if (!/[\\u0e00-\\u0e7f]/.test(n.textContent) || !n.parentElement) continue;
            const family = getComputedStyle(n.parentElement).fontFamily;
            if (!family.includes('Sarabun')) out.push(n.parentElement.tagName + ': ' + n.textContent.slice(0, 30));
        }
        return out;
    }""")
    assert strays == [], strays


def page_passes(page, name: str) -> None:
    """The checks every page passes at every width, and a screenshot kept as an artifact."""
    uses_sarabun(page)
    if page.viewport_size["width"] <= 400:
        no_horizontal_overflow(page)
    violations = axe_violations(page)
    assert violations == [], violations
    shot(page, name)
