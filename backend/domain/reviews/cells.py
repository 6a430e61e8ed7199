"""SASAC's actions on one enterprise × obligation cell, reachable from the board's side panel even
when nothing was ever submitted (the usual case for 不适用 and 延期)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from backend.db.tables import Exemption, Obligation, Submission
from backend.domain.errors import Conflict, Invalid, NotFound
from backend.domain.reviews.exemptions import grant_exemption, grant_extension
from backend.domain.shared.enterprises import get_enterprise
from backend.lib.timeutil import cn_date, parse_date
from backend.rules.cohorts import reports
from backend.security.policy import Access
from backend.web.dependencies import ActorDep

REVIEW = {"access": Access.REVIEW}


async def _cell(enterprise_id: int, obligation_id: int) -> dict[str, Any]:
    enterprise = await get_enterprise(enterprise_id)
    obligation = await Obligation.select().where(Obligation.id == obligation_id).first()
    if enterprise is None or obligation is None:
        raise NotFound("未找到该企业或节点任务。")
    if not reports(obligation["applies_to"], enterprise.cohort):
        raise NotFound("该节点任务不由该企业报送。")
    exemptions = (
        await Exemption.select()
        .where(Exemption.enterprise == enterprise_id, Exemption.obligation == obligation_id)
        .order_by(Exemption.granted_at)
    )
    return {"e": enterprise, "o": obligation, "exemptions": exemptions}


class CellActionController(Controller):
    path = "/reviews/cells/{enterprise_id:int}/{obligation_id:int}"
    include_in_schema = False

    async def _page(
        self,
        enterprise_id: int,
        obligation_id: int,
        error: str = "",
        status_code: int = 200,
        done: str = "",
    ) -> Template:
        context = await _cell(enterprise_id, obligation_id)
        active = [x for x in context["exemptions"] if not x["revoked_at"]]
        extended = [x["extended_to"] for x in active if x["kind"] != "exempt" and x["extended_to"]]
        due = max(extended) if extended else None
        notices = {
            "exempt": "已认定该企业的此项任务不适用，企业无需报送，已通知企业。",
            "extend": f"已同意延期，新的截止日期为 {cn_date(due)}，已通知企业。" if due else "",
        }
        context = {
            **context,
            "extended_to": due,
            "notice": notices.get(done, ""),
            "error": error,
            "active_menu": "reviews",
        }
        return Template(template_name="reviews/cell.html", context=context, status_code=status_code)

    @get("/", opt=REVIEW)
    async def page(
        self, enterprise_id: FromPath[int], obligation_id: FromPath[int], done: FromQuery[str] = ""
    ) -> Template | Redirect:
        submission = (
            await Submission.select(Submission.id, Submission.latest_version)
            .where(Submission.enterprise == enterprise_id, Submission.obligation == obligation_id)
            .first()
        )
        if submission is not None and submission["latest_version"] > 0:
            return Redirect(path=f"/reviews/{submission['id']}")
        return await self._page(enterprise_id, obligation_id, done=done)

    @post("/exempt", opt=REVIEW, status_code=200)
    async def exempt(
        self,
        request: Request,
        actor: ActorDep,
        enterprise_id: FromPath[int],
        obligation_id: FromPath[int],
    ) -> Template | Redirect:
        await _cell(enterprise_id, obligation_id)
        raw = await request.form()
        try:
            await grant_exemption(enterprise_id, obligation_id, str(raw.get("reason") or ""), actor)
        except (Invalid, Conflict) as exc:
            return await self._page(enterprise_id, obligation_id, f"未办理：{exc.message}", 422)
        return Redirect(
            path=f"/reviews/cells/{enterprise_id}/{obligation_id}?done=exempt", status_code=303
        )

    @post("/extend", opt=REVIEW, status_code=200)
    async def extend(
        self,
        request: Request,
        actor: ActorDep,
        enterprise_id: FromPath[int],
        obligation_id: FromPath[int],
    ) -> Template | Redirect:
        await _cell(enterprise_id, obligation_id)
        raw = await request.form()
        try:
            extended_to = parse_date(str(raw.get("extended_to") or ""))
            await grant_extension(
                enterprise_id,
                obligation_id,
                extended_to,
                str(raw.get("reason") or ""),
                actor,
            )
        except ValueError as exc:
            return await self._page(enterprise_id, obligation_id, f"未办理：{exc}。", 422)
        except (Invalid, Conflict) as exc:
            return await self._page(enterprise_id, obligation_id, f"未办理：{exc.message}", 422)
        return Redirect(
            path=f"/reviews/cells/{enterprise_id}/{obligation_id}?done=extend", status_code=303
        )
