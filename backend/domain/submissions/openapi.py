"""The upload form, described for the OpenAPI schema (the handler parses the stream itself)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
)


def _field(type_: OpenAPIType, description: str, **extra: Any) -> Schema:
    return Schema(type=type_, description=description, **extra)


UPLOAD_FORM = Schema(
    type=OpenAPIType.OBJECT,
    required=["enterprise_id", "obligation_id", "files"],
    properties={
        "enterprise_id": _field(OpenAPIType.INTEGER, "报送企业编号"),
        "obligation_id": _field(OpenAPIType.INTEGER, "节点任务编号"),
        "year": _field(OpenAPIType.INTEGER, "年度（按年报送的任务）"),
        "note": _field(OpenAPIType.STRING, "说明"),
        "doc_no": _field(OpenAPIType.STRING, "发文字号"),
        "doc_on": _field(OpenAPIType.STRING, "成文日期 YYYY-MM-DD", format=OpenAPIFormat.DATE),
        "not_secret": _field(OpenAPIType.STRING, "不涉密声明：1 表示已声明", enum=["1"]),
        "files": Schema(
            type=OpenAPIType.ARRAY,
            description="材料文件（一个或多个）",
            items=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY),
        ),
    },
)


@dataclass
class MultipartUploadOperation(Operation):
    """The create handler reads the multipart stream itself (to enforce limits while it streams),
    so Litestar sees no `data` parameter; this puts the form's fields into the schema."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            content={"multipart/form-data": OpenAPIMediaType(schema=UPLOAD_FORM)}, required=True
        )
