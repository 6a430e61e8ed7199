"""/schema/openapi.json describes every /api/v1 operation: a 2xx response whose schema has
properties (after following $refs, all the way down), a request body with properties where the
operation takes one; downloads (files, workbooks) declare their media type instead of JSON."""

from __future__ import annotations

from typing import Any

import httpx

API_PREFIX = "/api/v1"
BODY_METHODS = {"post", "put", "patch"}


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = spec["components"]["schemas"][name]
    return schema


def _objects_without_properties(
    schema: dict[str, Any], spec: dict[str, Any], where: str, seen: set[str]
) -> list[str]:
    """Every object reachable from `schema` names its properties (an empty object says nothing)."""
    ref = schema.get("$ref")
    if ref in seen:
        return []
    if ref:
        seen.add(ref)
    schema = _resolve(schema, spec)
    found: list[str] = []
    for variant in schema.get("oneOf", []) + schema.get("anyOf", []):
        found += _objects_without_properties(variant, spec, where, seen)
    if schema.get("type") == "array":
        found += _objects_without_properties(schema.get("items", {}), spec, where, seen)
    if schema.get("type") == "object" and not schema.get("additionalProperties"):
        if not schema.get("properties"):
            found.append(where)
        for name, prop in schema.get("properties", {}).items():
            found += _objects_without_properties(prop, spec, f"{where}.{name}", seen)
    return found


async def test_every_api_operation_has_typed_responses_and_bodies(
    staff: httpx.AsyncClient,
) -> None:
    response = await staff.get("/schema/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    operations = [
        (method, path, op)
        for path, item in spec["paths"].items()
        if path.startswith(API_PREFIX)
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) >= 12  # board, enterprises, programmes, obligations, scores, submissions
    problems: list[str] = []
    for method, path, op in operations:
        name = f"{method.upper()} {path}"
        ok = {code: r for code, r in op["responses"].items() if code.startswith("2")}
        if not ok:
            problems.append(f"{name}: no 2xx response")
            continue
        for code, answer in ok.items():
            content = answer.get("content", {})
            if "application/json" in content:
                schema = content["application/json"]["schema"]
                if not _resolve(schema, spec).get("properties"):
                    problems.append(f"{name} {code}: response schema without properties")
                problems += _objects_without_properties(schema, spec, f"{name} {code}", set())
            elif not content and answer.get("description") != "File Download":
                problems.append(f"{name} {code}: no content described")
        if method in BODY_METHODS:
            body = op.get("requestBody", {}).get("content", {})
            schemas = [media["schema"] for media in body.values()]
            if not schemas or not all(_resolve(s, spec).get("properties") for s in schemas):
                problems.append(f"{name}: request body without properties")
    assert problems == []


async def test_the_board_answer_is_described_field_by_field(staff: httpx.AsyncClient) -> None:
    spec = (await staff.get("/schema/openapi.json")).json()
    board = spec["paths"][f"{API_PREFIX}/board"]["get"]["responses"]["200"]
    schema = _resolve(board["content"]["application/json"]["schema"], spec)
    assert {"as_of", "total", "obligations", "rows"} <= set(schema["properties"])
    row = _resolve(schema["properties"]["rows"]["items"], spec)
    cell = _resolve(row["properties"]["cells"]["items"], spec)
    assert {"obligation_id", "status", "due_on", "days_late", "covered_by"} <= set(
        cell["properties"]
    )
