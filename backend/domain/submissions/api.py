"""The submissions API: multipart create, read with versions and reviews, file download."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import HTTPException
from litestar.params import FromPath, JSONBody
from litestar.response import File

from backend.domain.errors import DomainError, Invalid, NotFound
from backend.domain.reviews.service import decide
from backend.domain.submissions.reads import file_for_download
from backend.domain.submissions.reads import submission_detail as load_detail
from backend.domain.submissions.service import NewVersion, create_version
from backend.domain.submissions.uploads import receive_upload
from backend.lib.timeutil import parse_date
from backend.security.audit import AuditAction, record
from backend.security.policy import Access
from backend.settings import get_settings
from backend.web.dependencies import ActorDep, StoreDep, TenancyDep

# Litestar's own limit is only a backstop: receive_upload enforces MAX_UPLOAD_MB while streaming.
BODY_LIMIT = 4 * 1024 * 1024 * 1024


def _int(fields: dict[str, str], name: str, label: str, *, required: bool = True) -> int | None:
    raw = fields.get(name, "").strip()
    if not raw:
        if required:
            raise Invalid(f"缺少{label}（{name}）。")
        return None
    if not raw.isdigit():
        raise Invalid(f"{label}（{name}）应为正整数。")
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


@dataclass
class ReviewBody:
    """审核结论: approve with a grade, or return with reasons (and optionally a deadline)."""

    decision: str = ""
    grade: str | None = None
    reasons: list[str] | None = None
    comment: str | None = None
    resubmit_by: str | None = None


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
    )
    async def create(
        self, request: Request, actor: ActorDep, store: StoreDep, tenancy: TenancyDep
    ) -> dict[str, Any]:
        """multipart/form-data: enterprise_id, obligation_id, year (annual obligations), note,
        doc_no (发文字号), doc_on (YYYY-MM-DD), not_secret=1 (不涉密声明), and one or more
        `files`. Browsers must send X-CSRFToken; bearer clients need not."""
        settings = get_settings()
        try:
            form = await receive_upload(request, store, settings.max_upload_mb * 1024 * 1024)
        except (DomainError, HTTPException) as exc:  # ours, or Litestar's body-size limit
            reason = exc.message if isinstance(exc, DomainError) else exc.detail
            await record(
                AuditAction.UPLOAD_REFUSED,
                actor,
                entity="submission",
                changes={"status": exc.status_code, "reason": reason},
            )
            raise
        try:
            new = parse_new_version(form.fields)
            return await create_version(
                new,
                form.files,
                actor=actor,
                scope=tenancy,
                store=store,
            )
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
    ) -> dict[str, Any]:
        found = await load_detail(submission_id, tenancy)
        if found is None:
            raise NotFound("未找到该报送。")
        return found

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

    @post(
        "/{submission_id:int}/review",
        operation_id="ReviewSubmission",
        summary="审核报送（发布结论）",
        opt={"access": Access.REVIEW},
        status_code=200,
    )
    async def review(
        self,
        request: Request,
        actor: ActorDep,
        submission_id: FromPath[int],
        data: JSONBody[ReviewBody],
    ) -> dict[str, Any]:
        """JSON: decision "approve" (with grade "excellent" | "good" | "pass") or "return" (with
        reasons: material_incomplete, content_nonconforming, file_unreadable, not_sealed, other —
        "other" needs a comment), comment, resubmit_by "YYYY-MM-DD" (default: 5 working days).
        Decides the latest version and releases at once; returns the submission detail."""
        if data.decision not in ("approve", "return"):
            raise Invalid("decision 应为 approve（通过）或 return（退回修改）。")
        try:
            resubmit_by = parse_date(data.resubmit_by)
        except ValueError as exc:
            raise Invalid(f"重新报送期限（resubmit_by）：{exc}。") from None
        await decide(
            submission_id,
            decision=data.decision,
            grade=data.grade,
            reasons=data.reasons or [],
            comment=data.comment,
            resubmit_by=resubmit_by,
            actor=actor,
            release=True,
        )
        found = await load_detail(submission_id, None)
        if found is None:
            raise NotFound("未找到该报送。")
        return found
