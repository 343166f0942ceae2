"""A GET form's empty field means "not given": pages read their query without the empty parameters.

Browsers send every field of a GET form, a blank one as `name=`; a page parameter such as `demand_id: int | None`
would refuse "" with 422 although the user only left the field blank. The API keeps its strict reading: a client that
sends `page_size=` is told which parameter is wrong.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send


def without_empty_parameters(query: bytes) -> bytes:
    """The query string less its `name=` parts (nothing after the first "="), the rest byte for byte as sent."""
    return b"&".join(part for part in query.split(b"&") if part and part.find(b"=") != len(part) - 1)


class EmptyQueryFieldsAreAbsent:
    """ASGI middleware: drops empty query parameters from page requests (GET and HEAD, outside /api/)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        query = scope.get("query_string", b"") if scope["type"] == "http" else b""
        if query and scope["method"] in ("GET", "HEAD") and not scope["path"].startswith("/api/"):
            scope = {**scope, "query_string": without_empty_parameters(query)}
        await self.app(scope, receive, send)
