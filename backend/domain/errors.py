"""Domain errors: what a service says went wrong, in Chinese, without knowing about HTTP.

Services and rules-adjacent code raise these; `backend/web/errors.py` maps each kind to a status
code and to a page, a fragment or a JSON body, in one place. Controllers never sort errors by
status code themselves.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every domain error. `message` is shown to the user as it is: write it in Chinese."""

    status_code = 400
    default_message = "请求有误，请检查后重试。"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class Invalid(DomainError):
    """The input breaks a rule (bad value, out of range, not allowed in this state)."""

    status_code = 400
    default_message = "输入有误，请检查后重试。"


class NotFound(DomainError):
    """The thing does not exist, or is outside the actor's scope (we never say which)."""

    status_code = 404
    default_message = "未找到您要访问的内容，可能已被删除或您无权查看。"


class Conflict(DomainError):
    """The request is valid but collides with the current state (approved, locked, duplicate)."""

    status_code = 409
    default_message = "当前状态不允许此操作，请刷新后重试。"


class Forbidden(DomainError):
    """The actor may see the thing but not do this to it."""

    status_code = 403
    default_message = "您没有权限执行此操作。"


class TooLarge(DomainError):
    """An upload or a request exceeds a configured size."""

    status_code = 413
    default_message = "上传内容超过大小限制。"


class Unavailable(DomainError):
    """A service the request needs (the job queue, the database) cannot be reached now."""

    status_code = 503
    default_message = "服务暂时不可用，请稍后重试。"
