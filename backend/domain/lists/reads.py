"""Reading stored lists: an enterprise's latest version with its items, the checks as stored at
upload, the coverage of the 17 domains across enterprises, and a search of risk items."""

from __future__ import annotations

import json
from typing import Any

from piccolo.query.functions.aggregate import Count

from backend.db.tables import ListExemption, ListNode, ListPost, ListRisk, ListVersion
from backend.domain.errors import NotFound
from backend.domain.lists import schemas as s
from backend.domain.lists.vocabulary import load_vocabulary
from backend.domain.shared.enterprises import get_enterprise, visible_enterprises
from backend.rules.cohorts import Cohort
from backend.rules.lists.checks import CheckCode, Result
from backend.rules.lists.model import OVERSEAS_DOMAIN, ReviewMatter, RiskLevel, Sheet


def _load(raw: Any) -> Any:
    return json.loads(raw) if isinstance(raw, str | bytes) else raw


def check_outs(stored: Any) -> list[s.CheckOut]:
    return [
        s.CheckOut(
            code=c["code"],
            name=CheckCode.label_of(c["code"]),
            result=c["result"],
            result_label=Result.label_of(c["result"]),
            detail=c["detail"],
            rows=[
                s.RowOut(sheet=Sheet.label_of(ref[0]), row=ref[1], column=(ref[2:] or [""])[0])
                for ref in c["rows"]
            ],
        )
        for c in _load(stored) or []
    ]


async def latest_version(enterprise_id: int) -> dict[str, Any] | None:
    return (
        await ListVersion.select()
        .where(ListVersion.enterprise == enterprise_id)
        .order_by(ListVersion.version_no, ascending=False)
        .first()
    )


async def latest_checks(enterprise_id: int) -> tuple[dict[str, Any], list[s.CheckOut]] | None:
    """The latest version's header and its checks, for the review page and the board panel."""
    version = await latest_version(enterprise_id)
    return None if version is None else (version, check_outs(version["checks"]))


async def latest_lists(enterprise_id: int, scope: int | None) -> s.ListsOut:
    enterprise = await get_enterprise(enterprise_id, scope)
    if enterprise is None:
        raise NotFound("未找到该企业。")
    version = await latest_version(enterprise_id)
    if version is None:
        raise NotFound("该企业尚未导入三张清单。")
    vid = version["id"]
    risks = await ListRisk.select().where(ListRisk.version == vid).order_by(ListRisk.row_no)
    posts = await ListPost.select().where(ListPost.version == vid).order_by(ListPost.row_no)
    nodes = await ListNode.select().where(ListNode.version == vid).order_by(ListNode.row_no)
    exempt = (
        await ListExemption.select()
        .where(ListExemption.version == vid)
        .order_by(ListExemption.row_no)
    )
    history = (
        await ListVersion.select()
        .where(ListVersion.enterprise == enterprise_id)
        .order_by(ListVersion.version_no, ascending=False)
    )
    return s.ListsOut(
        enterprise_id=enterprise.id,
        enterprise_name=enterprise.name,
        version=version["version_no"],
        uploaded_at=version["uploaded_at"],
        approved_by=version["approved_by"],
        approved_on=version["approved_on"],
        effective_from=version["effective_from"],
        has_overseas=bool(version["has_overseas"]),
        checks=check_outs(version["checks"]),
        risks=[_risk(r) for r in risks],
        posts=[_post(p) for p in posts],
        nodes=[_node(n) for n in nodes],
        exemptions=[
            s.ExemptionOut(row=e["row_no"], domain=e["focus_domain"], reason=e["reason"])
            for e in exempt
        ],
        versions=[
            s.VersionOut(
                version=v["version_no"],
                uploaded_at=v["uploaded_at"],
                source_name=v["source_name"],
                risk_count=v["risk_count"],
                post_count=v["post_count"],
                node_count=v["node_count"],
                result=v["worst"],
            )
            for v in history
        ],
    )


def _risk(r: dict[str, Any]) -> s.RiskOut:
    return s.RiskOut(
        row=r["row_no"], seq=r["seq"], domain=r["focus_domain"], activity=r["activity"],
        risk_point=r["risk_point"], description=r["description"], basis=r["basis"],
        consequences=_load(r["consequences"]) or [], likelihood=r["likelihood"],
        impact=r["impact"], level=RiskLevel.label_of(r["risk_level"]), measures=r["measures"],
        plan=r["response_plan"], dept=r["dept"], position=r["post_name"], link=r["key_link"],
        alert=bool(r["needs_alert"]), scope=r["scope_text"], updated_on=r["updated_on"],
    )  # fmt: skip


def _post(p: dict[str, Any]) -> s.PostOut:
    return s.PostOut(
        row=p["row_no"], seq=p["seq"], dept=p["dept"], position=p["post_name"],
        category=p["category"], duties=p["duties"], domains=_load(p["domains"]) or [],
        risk_refs=_load(p["risk_refs"]) or [], compliance_duties=p["compliance_duties"],
        red_lines=p["red_lines"], basis=p["basis"], headcount=p["headcount"],
        updated_on=p["updated_on"],
    )  # fmt: skip


def _node(n: dict[str, Any]) -> s.NodeOut:
    return s.NodeOut(
        row=n["row_no"], seq=n["seq"], link=n["key_link"], process=n["process_name"],
        node=n["node"], key_matter=n["key_matter"], risk_refs=_load(n["risk_refs"]) or [],
        controls=n["controls"], review_required=bool(n["review_required"]),
        review_matter=ReviewMatter.label_of(n["review_matter"]), owner_dept=n["owner_dept"],
        exec_dept=n["exec_dept"], supervise_dept=n["supervise_dept"], output=n["output_text"],
        in_system=bool(n["in_system"]), updated_on=n["updated_on"],
    )  # fmt: skip


async def _latest_by_enterprise() -> dict[int, dict[str, Any]]:
    rows = await ListVersion.select(
        ListVersion.id,
        ListVersion.enterprise,
        ListVersion.version_no,
        ListVersion.has_overseas,
        ListVersion.worst,
    )
    latest: dict[int, dict[str, Any]] = {}
    for row in rows:
        seen = latest.get(row["enterprise"])
        if seen is None or row["version_no"] > seen["version_no"]:
            latest[row["enterprise"]] = row
    return latest


async def coverage(cohort: str | None = None) -> s.CoverageOut:
    """Enterprises × 17 domains from each enterprise's latest version. Groups always appear
    (they owe A3); a subsidiary appears once it has lists of its own."""
    domains = list(load_vocabulary().domains)
    latest = await _latest_by_enterprise()
    ids = [v["id"] for v in latest.values()]
    counts: dict[int, dict[str, int]] = {}
    exempt: dict[int, set[str]] = {}
    if ids:
        for row in (
            await ListRisk.select(ListRisk.version, ListRisk.focus_domain, Count())
            .where(ListRisk.version.is_in(ids))
            .group_by(ListRisk.version, ListRisk.focus_domain)
        ):
            counts.setdefault(row["version"], {})[row["focus_domain"]] = row["count"]
        for row in await ListExemption.select(
            ListExemption.version, ListExemption.focus_domain
        ).where(ListExemption.version.is_in(ids)):
            exempt.setdefault(row["version"], set()).add(row["focus_domain"])
    items = []
    for enterprise in await visible_enterprises(None):
        if cohort and enterprise.cohort.value != cohort:
            continue
        version = latest.get(enterprise.id)
        if version is None and enterprise.cohort is Cohort.SUB:
            continue
        by_domain = counts.get(version["id"], {}) if version else {}
        marked = exempt.get(version["id"], set()) if version else set()
        if version and not version["has_overseas"] and not by_domain.get(OVERSEAS_DOMAIN):
            marked = marked | {OVERSEAS_DOMAIN}  # no overseas business: 域外业务 不适用
        items.append(
            s.CoverageRowOut(
                enterprise_id=enterprise.id,
                enterprise_name=enterprise.name,
                cohort=enterprise.cohort.value,
                version=version["version_no"] if version else None,
                counts={d: by_domain.get(d, 0) for d in domains},
                not_applicable=[d for d in domains if d in marked and not by_domain.get(d)],
                gaps=[d for d in domains if not by_domain.get(d) and d not in marked],
                result=version["worst"] if version else "",
            )
        )
    return s.CoverageOut(domains=domains, items=items, total=len(items))


async def search_risks(
    *, q: str = "", domain: str = "", level: str = "", page: int = 1, page_size: int = 50
) -> s.RiskSearchOut:
    """Risk items of every enterprise's latest lists ("every 高 risk in 投资管理"), for SASAC."""
    latest = await _latest_by_enterprise()
    if not latest:
        return s.RiskSearchOut(items=[], total=0)
    where: list[Any] = [ListRisk.version.is_in([v["id"] for v in latest.values()])]
    if domain:
        where.append(ListRisk.focus_domain == domain)
    if level:
        where.append(ListRisk.risk_level == level)
    if q.strip():
        where.append(
            ListRisk.risk_point.like(f"%{q.strip()}%") | ListRisk.activity.like(f"%{q.strip()}%")
        )
    page, page_size = max(page, 1), min(max(page_size, 1), 200)
    total = await ListRisk.count().where(*where)
    rows = (
        await ListRisk.select(
            ListRisk.version._.enterprise.as_alias("enterprise_id"),
            ListRisk.version._.enterprise._.name.as_alias("enterprise_name"),
            ListRisk.version.version_no.as_alias("version_no"),
            ListRisk.seq,
            ListRisk.focus_domain,
            ListRisk.risk_point,
            ListRisk.risk_level,
            ListRisk.measures,
            ListRisk.dept,
        )
        .where(*where)
        .order_by(ListRisk.version.enterprise, ListRisk.seq)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return s.RiskSearchOut(items=[_hit(r) for r in rows], total=total)


def _hit(r: dict[str, Any]) -> s.RiskHitOut:
    return s.RiskHitOut(
        enterprise_id=r["enterprise_id"], enterprise_name=r["enterprise_name"],
        version=r["version_no"], seq=r["seq"], domain=r["focus_domain"],
        risk_point=r["risk_point"], level=RiskLevel.label_of(r["risk_level"]),
        measures=r["measures"], dept=r["dept"],
    )  # fmt: skip
