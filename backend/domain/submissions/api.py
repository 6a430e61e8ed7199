"""The submissions API: multipart create, read with versions and reviews, file download."""

from __future__ import annotations

import datetime as dt

import msgspec
from litestar import Controller, Request, get, post
from litestar.openapi.spec import OpenAPIFormat, OpenAPIType
from litestar.params import FromPath
from litestar.response import File

from backend.domain.errors import Invalid, NotFound
from backend.domain.shared.uploads import receive_or_refuse
from backend.domain.submissions.reads import file_for_download
from backend.domain.submissions.reads import submission_detail as load_detail
from backend.domain.submissions.schemas import CreatedSubmissionOut, SubmissionOut
from backend.domain.submissions.service import NewVersion, create_version
from backend.lib.ids import MAX_ID
from backend.security.audit import AuditAction, record
from backend.security.policy import Access
from backend.settings import get_settings
from backend.web.dependencies import ActorDep, StoreDep, TenancyDep
from backend.web.openapi import field, file_field, form, multipart_operation

# Litestar's own limit is only a backstop: receive_upload enforces MAX_UPLOAD_MB while streaming.
BODY_LIMIT = 4 * 1024 * 1024 * 1024


def _int(fields: dict[str, str], name: str, label: str, *, required: bool = True) -> int | None:
    raw = fields.get(name, "").strip()
    if not raw:
        if required:
            raise Invalid(f"缺少{label}（{name}）。")
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise Invalid(f"{label}（{name}）应为正整数。")
    if int(raw) > MAX_ID:
        raise Invalid(f"{label}（{name}）过大，请检查后重试。")
    return int(raw)


def parse_new_version(fields: dict[str, str]) -> NewVersion:
    doc_on = None
    if fields.get("doc_on", "").strip():
        try:
            doc_on = dt.date.fromisoformat(fields["doc_on"].strip())
        except ValueError:
            raise Invalid("成文日期格式应为 YYYY-MM-DD。") from None
    return NewVersion(
        enterprise_id=_int(fields, "enterprise_id", "企业编号"),  # type: ignore[arg-type]
        obligation_id=_int(fields, "obligation_id", "节点任务编号"),  # type: ignore[arg-type]
        year=_int(fields, "year", "年度", required=False),
        note=fields.get("note", ""),
        doc_no=fields.get("doc_no", ""),
        doc_on=doc_on,
        not_secret_declared=fields.get("not_secret", "").lower() in {"1", "true", "on", "yes"},
    )


UPLOAD_FORM = form(
    {
        "enterprise_id": field(OpenAPIType.INTEGER, "报送企业编号"),
        "obligation_id": field(OpenAPIType.INTEGER, "节点任务编号"),
        "year": field(OpenAPIType.INTEGER, "年度（按年报送的任务）"),
        "note": field(OpenAPIType.STRING, "说明"),
        "doc_no": field(OpenAPIType.STRING, "发文字号"),
        "doc_on": field(OpenAPIType.STRING, "成文日期 YYYY-MM-DD", format=OpenAPIFormat.DATE),
        "not_secret": field(OpenAPIType.STRING, "不涉密声明：1 表示已声明", enum=["1"]),
        "files": file_field("材料文件（一个或多个）", many=True),
    },
    required=["enterprise_id", "obligation_id", "files"],
)


class SubmissionApiController(Controller):
    path = "/api/v1/submissions"
    tags = ["submissions"]

    @post(
        "/",
        operation_id="CreateSubmission",
        summary="报送材料（新版本）",
        opt={"access": Access.SUBMIT},
        request_max_body_size=BODY_LIMIT,
        status_code=201,
        operation_class=multipart_operation(UPLOAD_FORM),
    )
    async def create(
        self, request: Request, actor: ActorDep, store: StoreDep, tenancy: TenancyDep
    ) -> CreatedSubmissionOut:
        """multipart/form-data: enterprise_id, obligation_id, year (annual obligations), note,
        doc_no (发文字号), doc_on (YYYY-MM-DD), not_secret=1 (不涉密声明), and one or more
        `files`. Browsers must send X-CSRFToken; bearer clients need not."""
        settings = get_settings()
        limit = settings.max_upload_mb * 1024 * 1024
        form = await receive_or_refuse(request, store, limit, actor, "submission")
        try:
            new = parse_new_version(form.fields)
            created = await create_version(
                new,
                form.files,
                actor=actor,
                scope=tenancy,
                store=store,
            )
            return msgspec.convert(created, CreatedSubmissionOut)
        finally:
            form.discard()  # adopted files were moved; anything left is temporary

    @get(
        "/{submission_id:int}",
        operation_id="GetSubmission",
        summary="报送详情",
        opt={"access": Access.BOARD},
    )
    async def detail(
        self, request: Request, tenancy: TenancyDep, submission_id: FromPath[int]
    ) -> SubmissionOut:
        found = await load_detail(submission_id, tenancy)
        if found is None:
            raise NotFound("未找到该报送。")
        return msgspec.convert(found, SubmissionOut)

    @get(
        "/{submission_id:int}/files/{file_id:int}",
        operation_id="DownloadSubmissionFile",
        summary="下载报送文件",
        opt={"access": Access.BOARD},
    )
    async def download(
        self,
        request: Request,
        actor: ActorDep,
        store: StoreDep,
        tenancy: TenancyDep,
        submission_id: FromPath[int],
        file_id: FromPath[int],
    ) -> File:
        found = await file_for_download(submission_id, file_id, tenancy, store)
        if found is None:
            raise NotFound("未找到该文件。")
        path, row = found
        await record(
            AuditAction.FILE_DOWNLOAD,
            actor,
            entity="submission_file",
            entity_id=file_id,
            enterprise_id=row["enterprise"],
            changes={"name": row["original_name"], "submission": submission_id},
        )
        return File(
            path=path,
            filename=row["original_name"],
            media_type=row["media_type"],
            content_disposition_type="attachment",
        )
