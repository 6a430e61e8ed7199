"""Errors in Chinese: JSON for the API, a page (or a swappable fragment) for the browser.
Tracebacks never reach the client."""

from __future__ import annotations

import logging

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

log = logging.getLogger("hegui")

DEFAULT_MESSAGES = {
    400: "请求参数有误，请检查后重试。",
    403: "您没有权限执行此操作。",
    404: "未找到您要访问的内容，可能已被删除或您无权查看。",
    405: "不支持该请求方式。",
    413: "上传内容超过大小限制。",
    500: "系统内部错误，请稍后重试；如持续出现，请联系系统管理员。",
}


PARAMETER_LABELS = {
    "page": "页码",
    "page_size": "每页数量",
    "enterprise_id": "企业编号",
    "obligation_id": "节点任务编号",
    "programme_id": "工作方案编号",
    "year": "年度",
    "as_of": "截至日期",
}


def _message(status: int, detail: str | None, extra: object = None) -> str:
    if detail and any("\u4e00" <= ch <= "\u9fff" for ch in detail):
        return detail
    keys = [e.get("key") for e in extra if isinstance(e, dict)] if isinstance(extra, list) else []
    if status == 400 and keys:
        names = "、".join(f"“{PARAMETER_LABELS.get(k, k)}”" for k in keys if k)
        return f"参数{names}的值无效，请检查后重试。"
    return DEFAULT_MESSAGES.get(status, "请求失败，请稍后重试。")


def http_error_handler(request: Request, exc: Exception) -> Response:
    extra = None
    if isinstance(exc, HTTPException):
        status, detail, extra = exc.status_code, exc.detail, exc.extra
    else:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        status, detail = HTTP_500_INTERNAL_SERVER_ERROR, None
    message = _message(status, detail, extra)
    if request.url.path.startswith("/api/"):
        return Response({"status_code": status, "detail": message}, status_code=status)
    return Template(
        template_name="errors/_message.html"
        if request.headers.get("hx-request")
        else "errors/error.html",
        context={"status": status, "message": message},
        status_code=status,
    )
