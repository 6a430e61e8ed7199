"""OpenAPI descriptions of multipart upload forms.

Upload handlers read the multipart stream themselves (to enforce the size and type limits while
it streams), so Litestar sees no `data` parameter and would describe no request body. Each such
handler names `multipart_operation(form)` as its `operation_class`, with the form's fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    Reference,
    RequestBody,
    Schema,
)


def field(type_: OpenAPIType, description: str, **extra: Any) -> Schema:
    return Schema(type=type_, description=description, **extra)


def file_field(description: str, *, many: bool = False) -> Schema:
    one = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY, description=description)
    return Schema(type=OpenAPIType.ARRAY, description=description, items=one) if many else one


def form(properties: dict[str, Schema | Reference], required: list[str]) -> Schema:
    return Schema(type=OpenAPIType.OBJECT, properties=properties, required=required)


def multipart_operation(schema: Schema) -> type[Operation]:
    """An Operation class whose request body is `schema` as multipart/form-data."""

    @dataclass
    class MultipartOperation(Operation):
        def __post_init__(self) -> None:
            if self.request_body is None:
                media = OpenAPIMediaType(schema=schema)
                self.request_body = RequestBody(
                    content={"multipart/form-data": media}, required=True
                )

    return MultipartOperation
