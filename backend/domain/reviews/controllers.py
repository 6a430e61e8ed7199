"""委端审核 pages: the queue, one submission's review page, its actions and file previews."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import File, Redirect, Template

from backend.domain.errors import Conflict, Invalid, NotFound
from backend.domain.reviews.pages import (
    DONE_NOTICES,
    PREVIEW_TYPES,
    obligation_options,
    review_context,
)
from backend.domain.reviews.queue import DEFAULT_SORT, SORT_KEYS
from backend.domain.reviews.service import (
    decide,
    grant_exemption,
    grant_extension,
    release_drafts,
    review_queue,
    revoke_exemption,
)
from backend.domain.shared.sorting import parse_sort
from backend.domain.submissions.reads import file_for_download, submission_detail
from backend.lib.ids import parse_id
from backend.lib.timeutil import parse_date
from backend.rules.vocabulary import Decision
from backend.security.audit import AuditAction, record
from backend.security.guards import current_user
from backend.security.policy import Access
from backend.web.dependencies import ActorDep, StoreDep
from backend.web.params import QueryInt, QueryPage

REVIEW = {"access": Access.REVIEW}
PAGE_SIZE = 50
# The preview is framed by our own review page: it alone may be framed, and only by us.
PREVIEW_CSP = "default-src 'none'; img-src 'self'; object-src 'self'; frame-ancestors 'self'"


def _user_id(request: Request) -> int | None:
    user = current_user(request)
    return user.id if user else None


# A century of waiting matches nothing already; more would overflow when taken from today.
MAX_WAITING_DAYS = 36500


class ReviewController(Controller):
    path = "/reviews"
    include_in_schema = False

    @get("/", name="reviews:queue", opt=REVIEW)
    async def queue(
        self,
        request: HTMXRequest,
        obligation: FromQuery[str] = "",
        q: FromQuery[str] = "",
        min_days: FromQuery[str] = "",
        page: QueryPage = 1,
        done: FromQuery[str] = "",
        skipped: QueryInt = 0,
    ) -> Template:
        return await self._queue(
            request, obligation, q, min_days, page, notice=self._released_notice(done, skipped)
        )

    @staticmethod
    def _released_notice(done: str, skipped: int) -> str:
        if not done.isdigit():
            return ""
        text = f"已发布 {done} 份草稿，看板已更新，企业已收到通知。"
        if skipped > 0:
            text += f"另有 {skipped} 份未发布：其版本已被审核或企业已报送新版本。"
        return text

    async def _queue(
        self,
        request: HTMXRequest,
        obligation: str,
        q: str,
        min_days: str,
        page: int,
        *,
        notice: str = "",
        error: str = "",
        status_code: int = 200,
    ) -> Template:
        days = 0
        if min_days.strip():
            text = min_days.strip()
            if not text.isdecimal():
                error = error or "“等待天数”应为不小于 0 的整数，已忽略该条件。"
            else:
                days = min(int(text), MAX_WAITING_DAYS)
        sort = parse_sort(request.query_params.get("sort"), SORT_KEYS, DEFAULT_SORT)
        result = await review_queue(
            obligation_code=obligation,
            enterprise_q=q,
            min_days_waiting=days,
            page=page,
            page_size=PAGE_SIZE,
            sort=sort,
        )
        params = {"obligation": obligation, "q": q, "min_days": min_days, "sort": sort.param}
        context: dict[str, Any] = {
            **result,
            "params": params,
            "sort": sort,
            "obligations": await obligation_options(),
            "decision_labels": Decision.labels(),
            "notice": notice,
            "error": error,
            "active_menu": "reviews",
        }
        partial = bool(request.htmx) and request.htmx.target == "queue"
        name = "reviews/_queue_table.html" if partial else "reviews/queue.html"
        return Template(template_name=name, context=context, status_code=status_code)

    @post("/release", opt=REVIEW, status_code=200)
    async def release(self, request: HTMXRequest, actor: ActorDep) -> Template | Redirect:
        form = await request.form()
        ids = [i for i in (parse_id(str(v)) for v in form.getall("ids", [])) if i is not None]
        if not ids:
            return await self._queue(
                request, "", "", "", 1, error="请先勾选要发布的草稿。", status_code=422
            )
        released = await release_drafts(ids, actor)
        skipped = len(set(ids)) - released
        return Redirect(path=f"/reviews?done={released}&skipped={skipped}", status_code=303)

    async def _page(
        self,
        request: Request,
        submission_id: int,
        *,
        form: dict[str, Any] | None = None,
        error: str = "",
        notice: str = "",
        status_code: int = 200,
    ) -> Template:
        context = await review_context(submission_id, _user_id(request), form)
        context.update(error=error, notice=notice)
        return Template(
            template_name="reviews/detail.html", context=context, status_code=status_code
        )

    @get("/{submission_id:int}", name="reviews:detail", opt=REVIEW)
    async def detail(
        self, request: Request, submission_id: FromPath[int], done: FromQuery[str] = ""
    ) -> Template:
        return await self._page(request, submission_id, notice=DONE_NOTICES.get(done, ""))

    @post("/{submission_id:int}", opt=REVIEW, status_code=200)
    async def submit_decision(
        self, request: Request, actor: ActorDep, submission_id: FromPath[int]
    ) -> Template | Redirect:
        raw = await request.form()
        form: dict[str, Any] = {
            "decision": str(raw.get("decision") or ""),
            "grade": str(raw.get("grade") or ""),
            "reasons": [str(v) for v in raw.getall("reasons", [])],
            "comment": str(raw.get("comment") or ""),
            "resubmit_by": str(raw.get("resubmit_by") or ""),
        }
        release = raw.get("action") != "draft"
        try:
            await decide(
                submission_id,
                decision=form["decision"],
                grade=form["grade"],
                reasons=form["reasons"],
                comment=form["comment"],
                resubmit_by=parse_date(form["resubmit_by"]),
                actor=actor,
                release=release,
            )
        except ValueError as exc:  # the date's own message
            return await self._page(
                request, submission_id, form=form, error=f"重新报送期限：{exc}。", status_code=422
            )
        except (Invalid, Conflict) as exc:  # shown on the form; NotFound etc. go to web/errors
            return await self._page(
                request, submission_id, form=form, error=exc.message, status_code=422
            )
        done = (
            "draft" if not release else "reopened" if form["decision"] == "reopen" else "released"
        )
        return Redirect(path=f"/reviews/{submission_id}?done={done}", status_code=303)

    async def _cell_of(self, submission_id: int) -> dict[str, Any]:
        sub = await submission_detail(submission_id, None)
        if sub is None:
            raise NotFound("未找到该报送。")
        return sub

    @post("/{submission_id:int}/exempt", opt=REVIEW, status_code=200)
    async def exempt(
        self, request: Request, actor: ActorDep, submission_id: FromPath[int]
    ) -> Template | Redirect:
        sub = await self._cell_of(submission_id)
        raw = await request.form()
        try:
            await grant_exemption(
                sub["enterprise_id"],
                sub["obligation_id"],
                str(raw.get("reason") or ""),
                actor,
            )
        except (Invalid, Conflict) as exc:  # shown on the form; NotFound etc. go to web/errors
            return await self._page(
                request, submission_id, error=f"认定不适用未办理：{exc.message}", status_code=422
            )
        return Redirect(path=f"/reviews/{submission_id}?done=exempt", status_code=303)

    @post("/{submission_id:int}/extend", opt=REVIEW, status_code=200)
    async def extend(
        self, request: Request, actor: ActorDep, submission_id: FromPath[int]
    ) -> Template | Redirect:
        sub = await self._cell_of(submission_id)
        raw = await request.form()
        try:
            extended_to = parse_date(str(raw.get("extended_to") or ""))
            await grant_extension(
                sub["enterprise_id"],
                sub["obligation_id"],
                extended_to,
                str(raw.get("reason") or ""),
                actor,
            )
        except ValueError as exc:
            error = f"延期未办理：{exc}。"
            return await self._page(request, submission_id, error=error, status_code=422)
        except (Invalid, Conflict) as exc:  # shown on the form; NotFound etc. go to web/errors
            error = f"延期未办理：{exc.message}"
            return await self._page(request, submission_id, error=error, status_code=422)
        return Redirect(path=f"/reviews/{submission_id}?done=extended", status_code=303)

    @post("/{submission_id:int}/exemptions/{exemption_id:int}/revoke", opt=REVIEW, status_code=200)
    async def revoke(
        self,
        request: Request,
        actor: ActorDep,
        submission_id: FromPath[int],
        exemption_id: FromPath[int],
    ) -> Template | Redirect:
        sub = await self._cell_of(submission_id)
        raw = await request.form()
        try:
            await revoke_exemption(
                exemption_id,
                actor,
                reason=str(raw.get("reason") or ""),
                enterprise_id=sub["enterprise_id"],
            )
        except (Invalid, Conflict) as exc:  # shown on the form; NotFound etc. go to web/errors
            error = f"撤销未办理：{exc.message}"
            return await self._page(request, submission_id, error=error, status_code=422)
        return Redirect(path=f"/reviews/{submission_id}?done=revoked", status_code=303)

    @get("/{submission_id:int}/files/{file_id:int}/preview", opt=REVIEW)
    async def preview(
        self,
        request: Request,
        actor: ActorDep,
        store: StoreDep,
        submission_id: FromPath[int],
        file_id: FromPath[int],
    ) -> File:
        found = await file_for_download(submission_id, file_id, None, store)
        if found is None:
            raise NotFound("未找到该文件。")
        path, row = found
        if row["media_type"] not in PREVIEW_TYPES:
            raise NotFound("该类型的文件不能在浏览器中预览，请下载后查看。")
        await record(
            AuditAction.FILE_DOWNLOAD,
            actor,
            entity="submission_file",
            entity_id=file_id,
            enterprise_id=row["enterprise"],
            changes={"name": row["original_name"], "submission": submission_id, "preview": True},
        )
        return File(
            path=path,
            filename=row["original_name"],
            media_type=row["media_type"],
            content_disposition_type="inline",
            headers={"Content-Security-Policy": PREVIEW_CSP, "X-Frame-Options": "SAMEORIGIN"},
        )
