"""Browser tests: Debian's Chromium, headless, driven by Playwright against the real app serving the demo data.

One live server per session: a temporary LINGXI_HOME loaded with `lingxi demo` (the same data `make run` shows) and
`lingxi serve` in a subprocess on a free port. Chromium is Debian's `/usr/bin/chromium` (`make test` installs it);
Playwright's own browser downloads are never used. Every test leaves a screenshot in tests/browser/screenshots/.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from serving import running_server

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("LINGXI_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
VENDOR = REPO_ROOT / "lingxi" / "web" / "static" / "vendor"
DEMO_PASSWORD = "lingxi-demo"
# The 2-core CI machine renders a chart page in well under a second; 15 s leaves room for a loaded machine.
TIMEOUT_MS = 15_000


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: end-to-end test in headless Chromium (deselect with -m 'not browser')")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so the page fixture knows at teardown whether the test failed.
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def _server_env(home: Path) -> dict[str, str]:
    # The live server must use its own SQLite home, whatever database the developer's shell points at.
    env = {key: value for key, value in os.environ.items() if key not in ("LINGXI_DATABASE_URL", "LINGXI_HOME")}
    env["LINGXI_HOME"] = str(home)
    return env


@pytest.fixture(scope="session")
def vendor_assets() -> Path:
    """The front-end builds the pages load; `make` builds them, a bare `pytest` run builds them here once."""
    if not (VENDOR / "echarts.min.js").is_file() or not (VENDOR / "htmx.min.js").is_file():
        subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "build_assets.py")], check=True, timeout=600)
    return VENDOR


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, vendor_assets) -> str:
    """Base URL of the real app (`lingxi serve`) on a fresh home holding the demo data set."""
    home = tmp_path_factory.mktemp("browser-home")
    env = _server_env(home)
    demo = subprocess.run([sys.executable, "-m", "lingxi.cli", "demo", "--home", str(home)],
                          env=env, check=False, capture_output=True, text=True, timeout=600)
    assert demo.returncode == 0, f"lingxi demo failed:\n{demo.stdout}\n{demo.stderr}"
    with running_server(home) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: `make test` installs Debian's chromium and chromium-driver (as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # --no-sandbox: tests run as root on developer machines and CI, where Chromium refuses its sandbox.
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(request, browser, live_server):
    """A fresh browser context (no cookies) on the live server; screenshot saved when the test ends.

    `page.lingxi_errors` collects uncaught JavaScript errors, console errors and HTTP error responses, so tests can
    assert a page runs clean; `page.lingxi_requests` lists every URL the page fetched (to prove no CDN is used).
    """
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 1366, "height": 900},
                                  accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.lingxi_errors = []
    tab.lingxi_requests = []
    tab.on("pageerror", lambda error: tab.lingxi_errors.append(f"pageerror: {error}"))
    tab.on("console", lambda message: _console_error(tab, message))
    tab.on("request", lambda req: tab.lingxi_requests.append(req.url))
    # the console only says "404"; the failing URL makes the error actionable
    tab.on("response", lambda response: response.status >= 400
           and tab.lingxi_errors.append(f"HTTP {response.status}: {response.url}"))
    yield tab
    SCREENSHOTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.\-\[\]]+", "_", request.node.name)
    failed = getattr(request.node, "report_call", None) is not None and request.node.report_call.failed
    try:
        tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        if failed:  # the HTML beside the picture makes a failure readable without rerunning
            (SCREENSHOTS / f"{name}.html").write_text(tab.content(), encoding="utf-8")
    finally:
        context.close()


def _console_error(tab, message) -> None:
    # Chromium asks for /favicon.ico on its own, outside the page's network events; a missing icon is not a page error.
    if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
        tab.lingxi_errors.append(f"console: {message.text} ({message.location.get('url')})")


def _submit_login(page, username: str, password: str) -> None:
    page.goto("/login")
    form = page.locator("#login-form")
    form.locator('input[name="username"]').fill(username)
    form.locator('input[name="password"]').fill(password)
    with page.expect_navigation():
        form.locator('[type="submit"]').click()


@pytest.fixture
def submit_login():
    """`submit_login(page, username, password)`: fill and submit the login form as a user would, and wait for the
    page the server answers with (the dashboard, or the form again)."""
    return _submit_login


@pytest.fixture
def login(live_server):
    """`login(page, role)`: sign in as the demo account of that role and land on the dashboard."""

    def do_login(page, role: str, password: str = DEMO_PASSWORD) -> None:
        _submit_login(page, role, password)
        assert page.url == f"{live_server}/", f"login as {role} ended on {page.url}"

    return do_login
