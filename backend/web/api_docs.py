"""GET /api-docs: the browsable API page (Swagger UI, vendored under /static, over the schema)."""

from __future__ import annotations

from litestar import get
from litestar.response import Template

from backend.security.policy import Access

SCHEMA_URL = "/schema/openapi.json"


# For the roles that use the API (business data); the JSON itself stays at /schema/openapi.json.
@get("/api-docs", name="api_docs", include_in_schema=False, opt={"access": Access.API})
async def api_docs() -> Template:
    return Template(
        template_name="api_docs.html",
        context={"active_menu": "api_docs", "schema_url": SCHEMA_URL},
    )
