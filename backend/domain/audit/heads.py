"""Signed chain heads on the auditor's page: download one to keep outside the system, and check
the log against one kept earlier (pasted back), which detects rows cut from the end."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import URLEncodedBody
from litestar.response import Response, Template

from backend.domain.accounts.controllers import actor_for
from backend.domain.audit.controllers import AUDIT, _attachment
from backend.domain.errors import Conflict
from backend.lib.timeutil import now
from backend.security.audit import AuditAction, record, verify_chain
from backend.security.audit_chain import HeadError, dump_head, make_head, parse_head

MAX_HEAD_CHARS = 4000


@dataclass
class HeadForm:
    head: str = ""


class AuditHeadController(Controller):
    path = "/audit/head"
    include_in_schema = False

    @get("/", name="audit:head", opt=AUDIT)
    async def download(self, request: Request) -> Response[bytes]:
        try:
            statement = await make_head()
        except HeadError as exc:
            raise Conflict(str(exc)) from None
        await record(
            AuditAction.AUDIT_HEAD_EXPORT,
            actor_for(request),
            entity="audit_event",
            entity_id=statement["记录号"],
            changes={"记录条数": statement["记录条数"]},
        )
        stamp = f"{now():%Y%m%d-%H%M%S}"
        return Response(
            dump_head(statement).encode(),
            media_type="application/json",
            headers={
                "Content-Disposition": _attachment(
                    f"操作日志链头-{stamp}.json", f"audit-head-{stamp}.json"
                )
            },
        )

    @post("/check", name="audit:head_check", opt=AUDIT, status_code=200)
    async def check(self, request: Request, data: URLEncodedBody[HeadForm]) -> Template:
        context: dict[str, Any] = {"result": None, "error": "", "active_menu": "audit"}
        text = data.head.strip()
        status = 200
        try:
            if not text:
                raise HeadError("请粘贴此前导出的链头文件的全部内容。")
            if len(text) > MAX_HEAD_CHARS:
                raise HeadError("内容过长，不是本系统导出的链头文件。")
            head = parse_head(text)
        except HeadError as exc:
            context["error"], status = str(exc), 400
            outcome: dict[str, Any] = {"结果": "链头无效", "说明": str(exc)}
        else:
            result = await verify_chain(head)
            context["result"] = result
            outcome = {"链头记录号": head["记录号"], "结果": "一致" if result.ok else "不一致"}
            if not result.ok:
                outcome["说明"] = result.message
        await record(
            AuditAction.AUDIT_HEAD_CHECK, actor_for(request), entity="audit_event", changes=outcome
        )
        return Template(template_name="audit/head_check.html", context=context, status_code=status)
