"""The REST API under /api, one module per area; each endpoint calls a service and shapes its answer.

Conventions: lists are paged with `page` (from 1) and `page_size` and answer {items, total, page, page_size,
pages}; dates and times are ISO 8601; errors answer {"error": {"code", "message", "field"}} with 401 when no valid
credentials came, 403 when the role or record is not the caller's, 404, 409 and 422 for bad input.
"""
