"""The app-wide guard: every route handler must name an access rule, or nobody may use it."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from backend.security.audit import AuditAction
from backend.security.policy import Access, CurrentUser, allowed
from backend.security.refusals import audit_refusal


class PasswordChangeRequired(PermissionDeniedException):
    """The account must set a new password before doing anything else."""


class SecondFactorRequired(PermissionDeniedException):
    """Signed in with the password only: the second factor comes first."""


def access_rule(handler: BaseRouteHandler) -> Access | None:
    rule = handler.opt.get("access")
    if rule is None:
        # Layers' opt may not reach generated handlers (the static files router's do not).
        rule = next(
            (
                opt["access"]
                for layer in reversed(handler.ownership_layers)
                if "access" in (opt := getattr(layer, "opt", None) or {})
            ),
            None,
        )
    if rule is None and handler.name in {"static", "static/head"}:
        rule = Access.PUBLIC  # the router created with name="static" in backend/app.py
    if rule is None and getattr(handler, "http_methods", None) == {"OPTIONS"}:
        rule = Access.PUBLIC  # Litestar's generated OPTIONS answer: allowed methods, no data
    return Access(rule) if rule is not None else None


def current_user(connection: ASGIConnection[Any, Any, Any, Any]) -> CurrentUser | None:
    user: CurrentUser | None = connection.scope.get("user")
    return user


async def access_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    rule = access_rule(handler)
    if rule is None:
        # Fail closed: a route nobody thought about is a route nobody may use.
        raise PermissionDeniedException("该功能尚未配置访问权限，请联系系统管理员。")
    user = current_user(connection)
    if allowed(rule, user):
        return
    if user is None:
        raise NotAuthorizedException("请先登录。")
    if user.mfa_pending:
        raise SecondFactorRequired("请先完成动态口令验证。")
    if user.must_change_password:
        raise PasswordChangeRequired("首次登录或密码已过期，请先修改密码。")
    # A signed-in user reaching past their role is worth a look (bounded against floods).
    await audit_refusal(AuditAction.ACCESS_DENIED, connection.scope)
    raise PermissionDeniedException("您没有权限执行此操作。")
