"""合规得分 pages (ranking, per-enterprise breakdown, SASAC's changes) and GET /api/v1/scores."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from backend.domain.errors import Invalid, NotFound
from backend.domain.scores import changes
from backend.domain.scores.inputs import active_lock, programme_years, rubric_for
from backend.domain.scores.schemas import EnterpriseScoreOut, ScoresOut
from backend.domain.scores.service import (
    ScoreError,
    breakdown_json,
    compute_scores,
    current_programme,
    score_for,
)
from backend.lib.timeutil import parse_date, today
from backend.rules.vocabulary import Rating
from backend.security.guards import current_user
from backend.security.policy import Access, Role
from backend.web.dependencies import ActorDep, TenancyDep

VIEW = {"access": Access.EXPORT}
ADMIN = {"access": Access.ADMIN}
GRADES = ("优秀", "良好", "合格", "不合格")
NOTICES = {
    "ratings": "有效性评价已保存。",
    "adjusted": "加减分已登记。",
    "revoked": "加减分已撤销。",
    "locked": "该年度得分已锁定。",
    "unlocked": "该年度得分已解锁。",
}


@dataclass(frozen=True)
class Period:
    programme: dict[str, Any]
    years: list[int]
    year: int
    as_of: dt.date


async def parse_period(year: str | None, as_of: str | None) -> Period:
    programme = await current_programme()
    if programme is None:
        raise NotFound("尚未导入工作方案。")
    years = await programme_years(programme["id"])
    if not years:
        raise NotFound("该工作方案没有节点任务。")
    try:
        day = parse_date(as_of) or today()
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    if year is None or not year.strip():
        chosen = min(max(day.year, years[0]), years[-1])
    else:
        try:
            chosen = int(year)
        except ValueError:
            raise Invalid(f"年度应为整数，收到“{year}”。") from None
        if chosen not in years:
            raise Invalid(f"该工作方案的年度为 {years[0]}—{years[-1]} 年，请重新选择。")
    return Period(programme, years, chosen, day)


def _is_admin(request: Request) -> bool:
    user = current_user(request)
    return user is not None and user.role is Role.SASAC_ADMIN


def _ranks(totals: list[float]) -> list[int]:
    ranks: list[int] = []
    for i, total in enumerate(totals):
        ranks.append(ranks[-1] if i and totals[i - 1] == total else i + 1)
    return ranks


def assessment_basis(rule: dict[str, Any]) -> str:
    """What 考核折算分 is out of, in words (the rubric converts the total or deducts by grade)."""
    if rule.get("mode") == "points":
        return f"满分 {rule['points']} 分，按总分（满分 100 分）的比例折算"
    return "按等级扣分，优秀不扣分"


def _back(enterprise_id: int | None, year: int, as_of: str, done: str) -> Redirect:
    path = f"/scores/{enterprise_id}" if enterprise_id else "/scores"
    query = urlencode({"year": year, "as_of": as_of, "done": done})
    return Redirect(path=f"{path}?{query}", status_code=303)


@dataclass
class RatingForm:
    year: str = ""
    as_of: str = ""
    organisation: str = ""
    rules: str = ""
    mechanism: str = ""
    effectiveness: str = ""
    reason: str = ""


@dataclass
class AdjustmentForm:
    year: str = ""
    as_of: str = ""
    amount: str = ""
    reason: str = ""


@dataclass
class LockForm:
    year: str = ""
    as_of: str = ""
    reason: str = ""


class ScoreController(Controller):
    path = "/scores"
    include_in_schema = False

    @get("/", name="scores:ranking", opt=VIEW)
    async def ranking(
        self,
        request: Request,
        tenancy: TenancyDep,
        year: FromQuery[str | None] = None,
        as_of: FromQuery[str | None] = None,
        done: FromQuery[str] = "",
    ) -> Template:
        period = await parse_period(year, as_of)
        scores = await compute_scores(period.year, period.as_of, scope=tenancy)
        lock = await active_lock(period.programme["id"], period.year)
        counts = Counter(s.result.grade for s in scores)
        context = {
            "period": period,
            "scores": scores,
            "ranks": _ranks([s.result.total for s in scores]),
            "distribution": [(g, counts.get(g, 0)) for g in GRADES],
            "lock": lock,
            "is_admin": _is_admin(request),
            "notice": NOTICES.get(done, ""),
            "error": "",
            "active_menu": "scores",
        }
        return Template(template_name="scores/ranking.html", context=context)

    async def _detail(
        self,
        request: Request,
        tenancy: int | None,
        enterprise_id: int,
        period: Period,
        *,
        notice: str = "",
        error: str = "",
        form: AdjustmentForm | None = None,
    ) -> Template:
        found = await score_for(enterprise_id, period.year, period.as_of, scope=tenancy)
        if found is None:
            raise NotFound("未找到该企业的得分（仅对集团计分）。")
        lock = await active_lock(period.programme["id"], period.year)
        rubric = rubric_for(period.programme["code"]).data
        dimensions = rubric["effectiveness"]["dimensions"]
        overrides = await changes.current_overrides(enterprise_id, period.year)
        current = [overrides.get(key, "") for key in dimensions]
        context = {
            "period": period,
            "s": found,
            "lock": lock,
            "dimensions": list(zip(dimensions.items(), current, strict=False)),
            "rating_labels": {r.value: r.label for r in Rating if r is not Rating.UNRATED},
            "is_admin": _is_admin(request),
            "assessment_basis": assessment_basis(rubric["assessment"]),
            "caps": rubric["adjustments"],
            "notice": notice,
            "error": error,
            "form": form or AdjustmentForm(),
            "active_menu": "scores",
        }
        status = 422 if error else 200
        return Template(template_name="scores/detail.html", context=context, status_code=status)

    @get("/{enterprise_id:int}", name="scores:detail", opt=VIEW)
    async def detail(
        self,
        request: Request,
        tenancy: TenancyDep,
        enterprise_id: FromPath[int],
        year: FromQuery[str | None] = None,
        as_of: FromQuery[str | None] = None,
        done: FromQuery[str] = "",
    ) -> Template:
        period = await parse_period(year, as_of)
        return await self._detail(
            request, tenancy, enterprise_id, period, notice=NOTICES.get(done, "")
        )

    @post("/{enterprise_id:int}/ratings", opt=ADMIN, status_code=200)
    async def ratings(
        self,
        request: Request,
        tenancy: TenancyDep,
        actor: ActorDep,
        enterprise_id: FromPath[int],
        data: URLEncodedBody[RatingForm],
    ) -> Template | Redirect:
        period = await parse_period(data.year, data.as_of)
        values = {
            "organisation": data.organisation,
            "rules": data.rules,
            "mechanism": data.mechanism,
            "effectiveness": data.effectiveness,
        }
        try:
            await changes.set_ratings(enterprise_id, period.year, values, actor, data.reason)
        except ScoreError as exc:
            return await self._detail(request, tenancy, enterprise_id, period, error=str(exc))
        return _back(enterprise_id, period.year, period.as_of.isoformat(), "ratings")

    @post("/{enterprise_id:int}/adjustments", opt=ADMIN, status_code=200)
    async def adjust(
        self,
        request: Request,
        tenancy: TenancyDep,
        actor: ActorDep,
        enterprise_id: FromPath[int],
        data: URLEncodedBody[AdjustmentForm],
    ) -> Template | Redirect:
        period = await parse_period(data.year, data.as_of)
        try:
            try:
                amount = float(data.amount.strip().replace("−", "-").replace("＋", "+"))
            except ValueError:
                raise ScoreError(f"分值应为数字，收到“{data.amount}”。") from None
            await changes.add_adjustment(enterprise_id, period.year, amount, data.reason, actor)
        except ScoreError as exc:
            return await self._detail(
                request, tenancy, enterprise_id, period, error=str(exc), form=data
            )
        return _back(enterprise_id, period.year, period.as_of.isoformat(), "adjusted")

    @post("/{enterprise_id:int}/adjustments/{adjustment_id:int}/revoke", opt=ADMIN, status_code=200)
    async def revoke(
        self,
        request: Request,
        tenancy: TenancyDep,
        actor: ActorDep,
        enterprise_id: FromPath[int],
        adjustment_id: FromPath[int],
        data: URLEncodedBody[LockForm],
    ) -> Template | Redirect:
        period = await parse_period(data.year, data.as_of)
        try:
            await changes.revoke_adjustment(adjustment_id, actor, data.reason)
        except ScoreError as exc:
            return await self._detail(request, tenancy, enterprise_id, period, error=str(exc))
        return _back(enterprise_id, period.year, period.as_of.isoformat(), "revoked")

    @post("/lock", opt=ADMIN, status_code=200)
    async def lock(
        self, request: Request, actor: ActorDep, data: URLEncodedBody[LockForm]
    ) -> Redirect:
        period = await parse_period(data.year, data.as_of)
        try:
            await changes.lock_year(period.year, period.as_of, actor)
        except ScoreError as exc:
            raise Invalid(str(exc)) from None
        return _back(None, period.year, period.as_of.isoformat(), "locked")

    @post("/unlock", opt=ADMIN, status_code=200)
    async def unlock(
        self, request: Request, actor: ActorDep, data: URLEncodedBody[LockForm]
    ) -> Redirect:
        period = await parse_period(data.year, data.as_of)
        try:
            await changes.unlock_year(period.year, actor, data.reason)
        except ScoreError as exc:
            raise Invalid(str(exc)) from None
        return _back(None, period.year, period.as_of.isoformat(), "unlocked")


class ScoreApiController(Controller):
    path = "/api/v1/scores"
    tags = ["scores"]

    @get("/", operation_id="GetScores", summary="合规管理得分（截至某日）", opt=VIEW)
    async def scores(
        self,
        request: Request,
        tenancy: TenancyDep,
        year: FromQuery[str | None] = None,
        as_of: FromQuery[str | None] = None,
    ) -> ScoresOut:
        """year: a year of the programme (default: the as-of year, within the programme);
        as_of: YYYY-MM-DD (default today, Asia/Shanghai). A locked year returns its snapshot."""
        period = await parse_period(year, as_of)
        scores = await compute_scores(period.year, period.as_of, scope=tenancy)
        lock = await active_lock(period.programme["id"], period.year)
        return ScoresOut(
            items=msgspec.convert([breakdown_json(s) for s in scores], list[EnterpriseScoreOut]),
            total=len(scores),
            year=period.year,
            as_of=(lock["as_of"] if lock else period.as_of).isoformat(),
            locked=lock is not None,
        )
