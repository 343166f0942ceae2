"""Server-rendered pages: Jinja2 templates with the language, the signed-in user and the navigation in context."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from lingxi.accounts.roles import (
    AUDIT_READ,
    ORGANISATIONS_DIRECTORY,
    PATENTS_IMPORT,
    PATENTS_READ,
    USERS_MANAGE,
    Role,
)
from lingxi.web.areas import AREAS
from lingxi.web.deps import LANGUAGE_COOKIE
from lingxi.web.i18n import HTML_LANG, LANGUAGES, choose_language, translate

TEMPLATES_DIR = Path(__file__).parent / "templates"

# (message key, url, permission needed or None)
MAIN_NAV = (
    ("nav.dashboard", "/", None),
    ("nav.search", "/patents", PATENTS_READ),
    ("nav.imports", "/imports", PATENTS_IMPORT),
    ("nav.organisations", "/organisations", ORGANISATIONS_DIRECTORY),
)
ADMIN_NAV = (
    ("nav.admin_users", "/admin/users", USERS_MANAGE),
    ("nav.audit", "/admin/audit", AUDIT_READ),
)


def request_language(request: Request) -> str:
    wanted = request.query_params.get("lang")
    if wanted in LANGUAGES:
        return wanted
    principal = getattr(request.state, "principal", None)
    return choose_language(request.cookies.get(LANGUAGE_COOKIE) or (principal.language if principal else None))


def _context(request: Request) -> dict:
    language = request_language(request)
    principal = getattr(request.state, "principal", None)

    def t(key: str, **values) -> str:
        return translate(key, language, **values)

    def may(permission: str | None) -> bool:
        return principal is not None and (permission is None or principal.can(permission))

    def allowed(items):
        return [(key, url) for key, url, permission in items if may(permission)]

    def role_label(role: str) -> str:
        return Role(role).label_zh if language == "zh" else Role(role).label_en

    def label(prefix: str, value) -> str:
        key = f"{prefix}.{value if value is not None else 'unknown'}"
        text = t(key)
        return str(value) if text == key else text

    return {
        "t": t, "lang": language, "html_lang": HTML_LANG[language], "other_lang": "en" if language == "zh" else "zh",
        "lang_switch_url": _with_query(request, lang="en" if language == "zh" else "zh"),
        "user": principal, "csrf_token": principal.csrf_token if principal else None,
        "main_nav": allowed(MAIN_NAV), "admin_nav": allowed(ADMIN_NAV), "areas": [area for area in AREAS if may(area.permission)],
        "role_label": role_label, "label": label, "current_path": request.url.path,
    }


def _with_query(request: Request, **params) -> str:
    """This page's own path and query with some parameters replaced (e.g. the language), as a relative link."""
    url = request.url.include_query_params(**params)
    return f"{url.path}?{url.query}"


templates = Jinja2Templates(directory=TEMPLATES_DIR, context_processors=[_context])
# Templates are compiled once per process: no checking every template file's modification time on each page
# (restart the server after editing one, as after editing code)
templates.env.auto_reload = False
# An import's source is where the server read it (uploads land under <home>/uploads/<random>/): show the file name.
templates.env.filters["file_name"] = lambda path: str(path or "").rstrip("/").rsplit("/", 1)[-1]


def budget_range(low: int | None, high: int | None) -> str:
    """A demand's budget in yuan: "400,000–1,000,000", or with one bound "≤ 800,000" / "≥ 400,000" (a bare
    "–800,000" read as a negative amount); "" when neither is set."""
    if low is not None and high is not None:
        return f"{low:,}–{high:,}"
    if high is not None:
        return f"≤ {high:,}"
    return f"≥ {low:,}" if low is not None else ""


templates.env.filters["budget_range"] = budget_range  # {{ d.budget_min | budget_range(d.budget_max) }}
templates.env.filters["nl2br"] = lambda text: Markup("<br>".join(Markup.escape(text or "").split("\n")))


def render(request: Request, name: str, status_code: int = 200, **context):
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    wanted = request.query_params.get("lang")
    if wanted in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, wanted, max_age=365 * 86400, samesite="lax")
    return response


def render_error(request: Request, status: int, code: str, message: str):
    return render(request, "error.html", status_code=status, status=status, code=code, message=message)
