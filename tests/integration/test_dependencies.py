"""The acting user, the tenancy scope and the file store are app-level dependencies: handlers
declare them, `/schema` does not show them, and the scope follows the signed-in account."""

from __future__ import annotations

import httpx
from litestar import Litestar

from backend.security.dependencies import actor_for
from backend.storage import FileStore
from backend.web.dependencies import app_dependencies
from tests.fixtures import sign_in

INJECTED = {"actor", "tenancy", "store"}


def test_the_app_provides_actor_tenancy_and_store(app: Litestar) -> None:
    assert set(app.dependencies) >= INJECTED
    assert set(app_dependencies(FileStore.__new__(FileStore))) == INJECTED
    assert actor_for.__module__ == "backend.security.dependencies"


def test_handlers_that_touch_enterprise_data_take_the_scope(app: Litestar) -> None:
    """Every BOARD/SUBMIT route that reads enterprise data asks for `tenancy`."""
    wanted = {
        "/api/v1/board",
        "/api/v1/enterprises",
        "/api/v1/enterprises/{enterprise_id:int}",
        "/api/v1/submissions/{submission_id:int}",
        "/board",
        "/board/cell",
        "/enterprises",
        "/enterprises/{enterprise_id:int}",
        "/workspace",
    }
    taking = {
        route.path
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
        if "tenancy" in handler.resolve_dependencies()
        and "tenancy" in handler.parsed_fn_signature.parameters
    }
    assert wanted <= taking, wanted - taking


async def test_schema_shows_no_dependency(
    client: httpx.AsyncClient, accounts: dict[str, int]
) -> None:
    assert (await sign_in(client, "reviewer")).status_code == 303
    schema = (await client.get("/schema/openapi.json")).json()
    names = {
        p["name"]
        for path in schema["paths"].values()
        for op in path.values()
        if isinstance(op, dict)
        for p in op.get("parameters", [])
    }
    assert names and not (names & INJECTED), names & INJECTED
