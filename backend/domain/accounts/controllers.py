"""Signing in and out, and changing one's own password."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlparse

from litestar import Controller, Request, get, post
from litestar.params import FromQuery, URLEncodedBody
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Response, Template

from backend.domain.accounts.service import AccountError, authenticate, change_password, policy
from backend.security.audit import AuditAction, record
from backend.security.csrf import ROTATE
from backend.security.dependencies import actor_for
from backend.security.guards import current_user
from backend.security.policy import Access
from backend.security.sessions import cookie_name, create_session, end_session
from backend.settings import get_settings


@dataclass
class LoginForm:
    username: str = ""
    password: str = ""
    next: str = ""


@dataclass
class PasswordForm:
    current: str = ""
    new: str = ""
    confirm: str = ""


def safe_next(target: str) -> str:
    """Only same-site paths: a login link must not bounce the user to another site."""
    parts = urlparse(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def session_cookie(value: str, *, max_age: int | None = None) -> str:
    settings = get_settings()
    secure = "; Secure" if settings.secure_cookies else ""
    age = f"; Max-Age={max_age}" if max_age is not None else ""
    return f"{cookie_name()}={value}; Path=/; HttpOnly; SameSite=Lax{secure}{age}"


def _limits() -> dict[str, int]:
    settings = get_settings()
    return {"max_failures": settings.login_max_failures, "lockout": settings.lockout_minutes}


class LoginController(Controller):
    include_in_schema = False

    @get("/login", name="accounts:login", opt={"access": Access.PUBLIC})
    async def login_page(self, request: Request, next: FromQuery[str] = "/") -> Template:
        return Template(
            template_name="accounts/login.html",
            context={"next": safe_next(next), "error": "", "username": "", **_limits()},
        )

    @post("/login", opt={"access": Access.PUBLIC}, status_code=200)
    async def login(self, request: Request, data: URLEncodedBody[LoginForm]) -> Response:
        ip = request.client.host if request.client else ""
        outcome = await authenticate(data.username, data.password, ip=ip)
        if outcome.account_id is None:
            return Template(
                template_name="accounts/login.html",
                context={
                    "next": safe_next(data.next),
                    "error": outcome.message,
                    "username": data.username,
                    **_limits(),
                },
                status_code=401,
            )
        # Whatever session the browser came with ends here: a fresh id, never the old one.
        old = current_user(request)
        if old is not None and old.session_id_hash:
            await end_session(old.session_id_hash)
        session_id = await create_session(
            outcome.account_id,
            ip=ip,
            user_agent=request.headers.get("user-agent", ""),
            mfa_pending=outcome.second_factor,
        )
        request.scope[ROTATE] = True  # type: ignore[literal-required]
        target = "/account/password" if outcome.must_change_password else safe_next(data.next)
        if outcome.second_factor:  # half signed in: the MFA pages only, until the code
            target = f"/login/mfa?next={quote(safe_next(data.next))}"
        return Redirect(
            path=target, status_code=303, headers={"set-cookie": session_cookie(session_id)}
        )

    @post("/logout", opt={"access": Access.SIGNED_IN}, status_code=200)
    async def logout(self, request: HTMXRequest) -> Response:
        user = current_user(request)
        if user is not None and user.session_id_hash:
            await end_session(user.session_id_hash)
            await record(
                AuditAction.LOGOUT, actor_for(request, user), entity="account", entity_id=user.id
            )
        request.scope[ROTATE] = True  # type: ignore[literal-required]
        headers = {"set-cookie": session_cookie("", max_age=0), "Clear-Site-Data": '"cache"'}
        if request.htmx:  # htmx must navigate, not swap the login page into a fragment
            response = ClientRedirect(redirect_to="/login")
            response.headers.update(headers)
            return response
        return Redirect(path="/login", status_code=303, headers=headers)


class PasswordController(Controller):
    path = "/account/password"
    include_in_schema = False

    def _context(self, request: Request, error: str = "", done: bool = False) -> dict:
        settings = get_settings()
        return {
            "user": current_user(request),
            "error": error,
            "done": done,
            "min_length": settings.password_min_length,
            "min_classes": settings.password_min_classes,
            "max_age_days": settings.password_max_age_days,
            "history": settings.password_history,
        }

    @get("/", name="accounts:password", opt={"access": Access.SIGNED_IN})
    async def page(self, request: Request) -> Template:
        return Template(template_name="accounts/password.html", context=self._context(request))

    @post("/", opt={"access": Access.SIGNED_IN}, status_code=200)
    async def change(self, request: Request, data: URLEncodedBody[PasswordForm]) -> Response:
        user = current_user(request)
        assert user is not None
        error = ""
        if data.new != data.confirm:
            error = "两次输入的新密码不一致。"
        else:
            try:
                await change_password(
                    actor_for(request, user),
                    user.id,
                    data.current,
                    data.new,
                    keep_session=user.session_id_hash,
                )
            except AccountError as exc:
                error = str(exc)
        if error:
            return Template(
                template_name="accounts/password.html",
                context=self._context(request, error=error),
                status_code=422,
            )
        return Template(
            template_name="accounts/password.html", context=self._context(request, done=True)
        )


__all__ = ["LoginController", "PasswordController", "actor_for", "policy"]
