"""Demo 督促检查 and 整改台账: each year SASAC inspects every group in early summer and rates it
on the four focus areas (the score's effectiveness part), and finds a few problems in the group
or its subsidiaries. Most are closed on time, some late, some are still open past their
deadline, so the demo's rectification scores differ between groups."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from backend.db.tables import (
    Account,
    Enterprise,
    Finding,
    FindingEvent,
    Inspection,
    InspectionRating,
    InspectionScope,
)
from backend.lib.timeutil import TZ
from backend.rules.workdays import add_workdays

DIMENSIONS = ("organisation", "rules", "mechanism", "effectiveness")
RATINGS = ("excellent", "good", "pass", "fail")
RATING_WEIGHTS = (25, 58, 14, 3)
PROBLEMS = (
    ("合同管理", "经营决策", "部分重要合同未经法务合规审查即签订", "合同审查流程未嵌入签约环节"),
    ("公司治理", "经营决策", "“三重一大”事项会议记录不完整，合规意见未留痕", "议事规则执行不严"),
    ("市场交易", "生产运营管理", "招投标活动个别项目评标专家抽取记录缺失", "招采制度更新滞后"),
    ("投资管理", "经营决策", "对外投资项目可行性研究缺少合规风险评估", "投资决策合规论证不足"),
    ("财务税收", "生产运营管理", "资金支付审批存在越权审批情形", "授权体系未随机构调整更新"),
    ("劳动用工", "制度制定", "劳动合同管理制度未按新规修订", "制度清理不及时"),
    ("安全环保", "生产运营管理", "安全生产合规培训覆盖率不足", "培训计划执行不到位"),
    ("知识产权", "制度制定", "商标续展管理缺少台账", "职责分工不清"),
)
OWNERS = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强")
UNITS = ("法务合规部", "综合办公室", "财务部", "人力资源部", "安全环保部", "投资发展部")


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


async def _account(username: str) -> int | None:
    row = await Account.select(Account.id).where(Account.username == username).first()
    return row["id"] if row else None


async def load_demo_findings(years: list[int], *, seed: int = 511, today: dt.date) -> int:
    """Inspections, ratings and findings for every year whose inspection date has passed."""
    rng = random.Random(seed)
    raiser, checker = await _account("reviewer"), await _account("admin")
    everyone = await Enterprise.select(Enterprise.id, Enterprise.parent, Enterprise.group_id)
    groups = sorted(e["id"] for e in everyone if e["parent"] is None)
    tree: dict[int, list[int]] = {g: [g] for g in groups}
    for e in everyone:
        if e["parent"] is not None and e["group_id"] in tree:
            tree[e["group_id"]].append(e["id"])
    made = 0
    for year in sorted(set(years) | {today.year}):
        start = dt.date(year, 6, 3)
        if start >= today:
            continue
        rows = await Inspection.insert(
            Inspection(
                kind="sasac_supervision",
                name=f"{year}年度市属国有企业合规管理督促检查（示例）",
                inspection_year=year,
                started_on=start,
                ended_on=start + dt.timedelta(days=11),
                team="市国资委政策法规科、监督检查组（示例）",
                created_by=raiser,
            )
        ).returning(Inspection.id)
        inspection = rows[0]["id"]
        await InspectionScope.insert(
            *[
                InspectionScope(
                    inspection=inspection, enterprise=g, natural_key=f"{inspection}:{g}"
                )
                for g in groups
            ]
        )
        await InspectionRating.insert(
            *[
                InspectionRating(
                    inspection=inspection,
                    enterprise=g,
                    dimension=d,
                    rating=rng.choices(RATINGS, RATING_WEIGHTS)[0],
                    natural_key=f"{inspection}:{g}:{d}",
                )
                for g in groups
                for d in DIMENSIONS
            ]
        )
        raised_on = start + dt.timedelta(days=16)
        for group in groups:
            for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
                made += await _finding(rng, inspection, group, tree[group], raised_on, today,
                                       raiser, checker)  # fmt: skip
    return made


async def _finding(
    rng: random.Random,
    inspection: int,
    group: int,
    members: list[int],
    raised_on: dt.date,
    today: dt.date,
    raiser: int | None,
    checker: int | None,
) -> int:
    domain, link, text, cause = rng.choice(PROBLEMS)
    severity = rng.choices(("general", "serious", "major"), (60, 30, 10))[0]
    kind = rng.choices(("immediate", "deadline", "long_term"), (20, 70, 10))[0]
    deadline = raised_on + dt.timedelta(days=rng.choice((30, 60, 90, 120, 150)))
    raised = _at(raised_on)
    row: dict[str, Any] = {
        "inspection": inspection,
        "source": "sasac_supervision",
        "enterprise": rng.choice(members),
        "group_id": group,
        "domain": domain,
        "key_link": link,
        "description": text,
        "severity": severity,
        "cause": cause,
        "measures": "修订相关制度，补齐流程节点并开展专项培训",
        "rectification_type": kind,
        "owner_unit": rng.choice(UNITS),
        "owner_name": rng.choice(OWNERS),
        "deadline": deadline,
        "raised_by": raiser,
        "raised_at": raised,
    }
    inserted = await Finding.insert(Finding(**row)).returning(Finding.id)
    finding = inserted[0]["id"]
    events: list[tuple[str, dt.datetime, int | None, str]] = [("raised", raised, raiser, "")]
    progress_on = raised_on + dt.timedelta(days=rng.randint(5, 20))
    outcome = rng.choices(("on_time", "late", "open", "rejected_once"), (55, 20, 15, 10))[0]
    if progress_on < today:
        events.append(("progress", _at(progress_on), None, "已制定整改方案并启动整改"))
    if outcome in ("on_time", "rejected_once"):
        asked = deadline - dt.timedelta(days=rng.randint(1, 15))
    elif outcome == "late":
        asked = deadline + dt.timedelta(days=rng.randint(5, 40))
    else:
        asked = None
    if asked is not None and outcome == "rejected_once" and asked < today:
        back = asked + dt.timedelta(days=3)
        events.append(("close_request", _at(asked), None, ""))
        events.append(("rejected", _at(back, 15), checker, "佐证材料不完整，请补充制度印发文件"))
        asked = back + dt.timedelta(days=4)
    if asked is not None and asked < today:
        events.append(("close_request", _at(asked), None, "整改已完成，申请销号"))
        closed = asked + dt.timedelta(days=rng.randint(2, 10))
        if closed < today:
            events.append(("closed", _at(closed, 16), checker, "经核验，整改到位"))
    await FindingEvent.insert(
        *[
            FindingEvent(finding=finding, kind=k, happened_at=t, actor=a, note=n)
            for k, t, a, n in events
        ]
    )
    return 1


async def load_demo_finding_due_soon(today: dt.date) -> int | None:
    """One finding of the demo clerk's group due in five working days, so the first reminder
    scan sends a 整改到期提醒 besides the overdue ones (None without the demo accounts)."""
    clerk = (
        await Account.select(Account.enterprise, Account.enterprise.group_id.as_alias("group_id"))
        .where(Account.username == "qiye_user")
        .first()
    )
    if clerk is None or clerk["enterprise"] is None:
        return None
    raised_on = today - dt.timedelta(days=20)
    domain, link, text, cause = PROBLEMS[0]
    inserted = await Finding.insert(
        Finding(
            source="self",
            enterprise=clerk["enterprise"],
            group_id=clerk["group_id"] or clerk["enterprise"],
            domain=domain,
            key_link=link,
            description=text,
            severity="serious",
            cause=cause,
            measures="将合规审查嵌入合同签约流程，复核近一年重要合同",
            rectification_type="deadline",
            owner_unit=UNITS[0],
            owner_name=OWNERS[0],
            deadline=add_workdays(today, 5),
            raised_at=_at(raised_on),
        )
    ).returning(Finding.id)
    finding = inserted[0]["id"]
    await FindingEvent.insert(
        FindingEvent(finding=finding, kind="raised", happened_at=_at(raised_on)),
        FindingEvent(
            finding=finding,
            kind="progress",
            happened_at=_at(raised_on + dt.timedelta(days=6)),
            note="已制定整改方案，正在修订合同审查流程",
        ),
    )
    return int(finding)
