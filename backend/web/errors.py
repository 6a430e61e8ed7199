"""Errors in Chinese, mapped once: a domain error (`backend.domain.errors`) or a Litestar HTTP
error becomes JSON for the API, a fragment for an htmx request (`request.htmx`) or a full page.
Tracebacks never reach the client. An anonymous browser is sent to the login page."""

from __future__ import annotations

import logging
from urllib.parse import quote

from litestar import Response
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from backend.domain.errors import DomainError
from backend.security.guards import PasswordChangeRequired, SecondFactorRequired
from backend.web.cancel import ClientGone

log = logging.getLogger("hegui")

DEFAULT_MESSAGES = {
    400: "请求参数有误，请检查后重试。",
    401: "请先登录。",
    403: "您没有权限执行此操作。",
    404: "未找到您要访问的内容，可能已被删除或您无权查看。",
    405: "不支持该请求方式。",
    409: "当前状态不允许此操作，请刷新后重试。",
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


def _redirect(request: HTMXRequest, location: str) -> Response:
    if request.htmx:  # htmx would swap the login page into a fragment: navigate instead
        return ClientRedirect(redirect_to=location)
    return Redirect(path=location)


def http_error_handler(request: HTMXRequest, exc: Exception) -> Response:
    if isinstance(exc, ClientGone):  # nobody is listening: no page to render, nothing to log
        return Response(b"", status_code=499)
    extra = None
    if isinstance(exc, DomainError):
        status, detail = exc.status_code, exc.message
    elif isinstance(exc, HTTPException):
        status, detail, extra = exc.status_code, exc.detail, exc.extra
    else:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        status, detail = HTTP_500_INTERNAL_SERVER_ERROR, None
    message = _message(status, detail, extra)
    is_api = request.url.path.startswith("/api/")
    if not is_api and isinstance(exc, NotAuthorizedException):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return _redirect(request, f"/login?next={quote(target)}")
    if not is_api and isinstance(exc, SecondFactorRequired):
        return _redirect(request, "/login/mfa")
    if not is_api and isinstance(exc, PasswordChangeRequired):
        return _redirect(request, "/account/password")
    if is_api:
        return Response({"status_code": status, "detail": message}, status_code=status)
    return Template(
        template_name="errors/_message.html" if request.htmx else "errors/error.html",
        context={"status": status, "message": message},
        status_code=status,
    )
