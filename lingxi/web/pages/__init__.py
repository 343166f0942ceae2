"""Server-rendered pages, one module per area; each calls the same services as the API."""
