"""The second sign-in step: enrol a TOTP app (first time) or give a code, then the session is
replaced by a fully signed-in one (a fresh id: nothing from the half-signed-in state carries
over)."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, Request, get, post
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Response, Template

from backend.domain.accounts import mfa
from backend.domain.accounts.controllers import actor_for, safe_next, session_cookie
from backend.domain.errors import DomainError
from backend.security.csrf import ROTATE
from backend.security.guards import current_user
from backend.security.policy import Access, CurrentUser
from backend.security.sessions import create_session, end_session
from backend.security.totp import grouped

STEP = {"access": Access.SECOND_FACTOR}


@dataclass
class CodeForm:
    code: str = ""
    next: str = "/"


def _pending(request: Request) -> CurrentUser | None:
    user = current_user(request)
    return user if user is not None and user.mfa_pending else None


class MfaController(Controller):
    path = "/login/mfa"
    include_in_schema = False

    async def _page(
        self, user: CurrentUser, next_: str, *, error: str = "", status: int = 200
    ) -> Template:
        context: dict = {"next": safe_next(next_), "error": error, "enrolment": None}
        if not await mfa.is_enrolled(user.id):
            enrolment = await mfa.start_enrolment(user.id, user.username)
            context["enrolment"] = {"qr": enrolment.qr_svg, "secret": grouped(enrolment.secret)}
        return Template(template_name="accounts/mfa.html", context=context, status_code=status)

    @get("/", name="accounts:mfa", opt=STEP)
    async def page(self, request: Request, next: FromQuery[str] = "/") -> Response:
        user = _pending(request)
        if user is None:  # already fully signed in
            return Redirect(path="/", status_code=303)
        return await self._page(user, next)

    @post("/", opt=STEP, status_code=200)
    async def submit(self, request: Request, data: URLEncodedBody[CodeForm]) -> Response:
        user = _pending(request)
        if user is None:
            return Redirect(path="/", status_code=303)
        actor = actor_for(request, user)
        codes: list[str] = []
        try:
            if await mfa.is_enrolled(user.id):
                await mfa.verify(actor, user.id, data.code)
            else:
                codes = await mfa.confirm_enrolment(actor, user.id, data.code)
        except DomainError as exc:
            return await self._page(user, data.next, error=exc.message, status=401)
        # A new session id for the fully signed-in state; the half one ends.
        if user.session_id_hash:
            await end_session(user.session_id_hash)
        session_id = await create_session(
            user.id,
            ip=actor.ip,
            user_agent=request.headers.get("user-agent", ""),
        )
        request.scope[ROTATE] = True  # type: ignore[literal-required]
        cookie = {"set-cookie": session_cookie(session_id)}
        target = "/account/password" if user.must_change_password else safe_next(data.next)
        if codes:  # shown once, now; only their hashes are kept
            return Template(
                template_name="accounts/mfa_codes.html",
                context={"codes": codes, "next": target},
                headers=cookie,
            )
        return Redirect(path=target, status_code=303, headers=cookie)

    @post("/cancel", opt=STEP, status_code=200)
    async def cancel(self, request: Request) -> Response:
        user = current_user(request)
        if user is not None and user.session_id_hash:
            await end_session(user.session_id_hash)
        request.scope[ROTATE] = True  # type: ignore[literal-required]
        return Redirect(
            path="/login", status_code=303, headers={"set-cookie": session_cookie("", max_age=0)}
        )
