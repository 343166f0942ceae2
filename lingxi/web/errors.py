"""How service errors reach users: a JSON error body under /api, a page (or the login page) elsewhere.

Every API error has the same body: {"error": {"code": …, "message": …, "field": …}}.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from lingxi.errors import Conflict, InvalidInput, LingxiError, NotAuthenticated, NotFound, PermissionDenied
from lingxi.web.deps import LoginRequired

NUMERIC_VALUE_OUT_OF_RANGE, STRING_DATA_RIGHT_TRUNCATION = "22003", "22001"  # SQLSTATE
OUT_OF_RANGE = "a number is too large: an id, count or amount beyond what the database stores"
STATUS = {NotAuthenticated: 401, PermissionDenied: 403, NotFound: 404, InvalidInput: 422, Conflict: 409}


def error_body(code: str, message: str, field: str | None = None) -> dict:
    return {"error": {"code": code, "message": message, "field": field}}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _invalid(request: Request, message: str, field: str | None = None):
    if is_api(request):
        return JSONResponse(error_body("invalid_input", message, field), 422)
    from lingxi.web.templating import render_error
    return render_error(request, 422, "invalid_input", message)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LingxiError)
    async def service_error(request: Request, error: LingxiError):
        status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)
        if is_api(request):
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            return JSONResponse(error_body(error.code, error.message, error.field), status, headers=headers)
        if status == 401:
            return RedirectResponse(f"/login?next={quote(request.url.path)}", 303)
        from lingxi.web.templating import render_error
        return render_error(request, status, error.code, error.message)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, error: LoginRequired):
        return RedirectResponse(f"/login?next={quote(error.next_url)}", 303)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError):
        first = error.errors()[0] if error.errors() else {"loc": (), "msg": "invalid request"}
        location = [str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path", "form")]
        field = ".".join(location) or None
        message = f"{field}: {first['msg']}" if field else first["msg"]
        return _invalid(request, message, field)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, f"http_{error.status_code}")
        if is_api(request):
            return JSONResponse(error_body(code, str(error.detail)), error.status_code, headers=error.headers)
        from lingxi.web.templating import render_error
        return render_error(request, error.status_code, code, str(error.detail))

    # An id or number beyond the database's integers (/api/demands/99999999999999999999) parses as a Python int and
    # is refused by the database: the caller's input, not a fault of ours. Any other overflow or data error is a bug.
    @app.exception_handler(OverflowError)
    async def number_beyond_sqlite(request: Request, error: OverflowError):
        if "SQLite INTEGER" not in str(error):
            raise error
        return _invalid(request, OUT_OF_RANGE)

    @app.exception_handler(DataError)
    async def value_beyond_postgresql(request: Request, error: DataError):
        state = getattr(error.orig, "sqlstate", None)
        if state == NUMERIC_VALUE_OUT_OF_RANGE:
            return _invalid(request, OUT_OF_RANGE)
        if state == STRING_DATA_RIGHT_TRUNCATION:  # a text over its column's length that no service checked
            return _invalid(request, "a text is longer than the database keeps for it")
        raise error

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, error: Exception):
        # Starlette logs the traceback after this handler answers; the user gets the same error shape as always.
        message = "internal error; the server log has the details"
        if is_api(request):
            return JSONResponse(error_body("internal_error", message), 500)
        from lingxi.web.templating import render_error
        return render_error(request, 500, "internal_error", message)
