"""The score's rectification and effectiveness parts from the 整改台账, worked by hand, through
the service, the breakdown page and a locked snapshot.

Group U, 2024, as of 2024-12-31 (rubric: part 20; on time 1, late 0.5; 一般 1, 重大 3):
- F1 一般, due 06-30, asked 06-20, closed 07-05: on time → 1 × 1
- F2 重大, due 06-30, asked 07-20, closed 07-25: late → 3 × 0.5
  R = 20 × (1 + 1.5) / 4 = 12.5 (instead of 20: the late closure costs 7.5)
Effectiveness: the later of two SASAC inspections rated U 优 ×4 = 10; SASAC then overrides
合规有效性 to 不合格 with a reason: 7.5."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from backend.db.tables import Finding, FindingEvent, Inspection, InspectionRating
from backend.domain.scores import changes
from backend.domain.scores.service import score_for
from backend.lib.timeutil import TZ
from backend.security.audit import Actor
from tests.fixtures import sign_in

ADMIN = Actor(None, "测试管理员")
AS_OF = dt.date(2024, 12, 31)


def at(m: int, d: int, y: int = 2024) -> dt.datetime:
    return dt.datetime(y, m, d, 10, tzinfo=TZ)


async def inspection(name: str, day: dt.date, group: int, rating: str) -> int:
    rows = await Inspection.insert(
        Inspection(
            kind="sasac_supervision",
            name=name,
            inspection_year=day.year,
            started_on=day,
            ended_on=day,
        )
    ).returning(Inspection.id)
    inspection_id = rows[0]["id"]
    for dimension in ("organisation", "rules", "mechanism", "effectiveness"):
        await InspectionRating.insert(
            InspectionRating(
                inspection=inspection_id,
                enterprise=group,
                dimension=dimension,
                rating=rating if dimension != "organisation" else "excellent",
                natural_key=f"{inspection_id}:{group}:{dimension}",
            )
        )
    return inspection_id


async def finding(group: int, severity: str, events: list[tuple[str, dt.datetime]]) -> int:
    rows = await Finding.insert(
        Finding(
            source="sasac_supervision",
            enterprise=group,
            group_id=group,
            description={"general": "一般", "major": "重大"}[severity] + "问题",
            severity=severity,
            rectification_type="deadline",
            owner_name="李四",
            deadline=dt.date(2024, 6, 30),
            raised_at=at(3, 1),
        )
    ).returning(Finding.id)
    for kind, moment in [("raised", at(3, 1)), *events]:
        await FindingEvent.insert(
            FindingEvent(finding=rows[0]["id"], kind=kind, happened_at=moment)
        )
    return int(rows[0]["id"])


@pytest.fixture
async def case(roster: dict[str, int]) -> int:
    u = roster["U"]
    await inspection("2024年度第一次督促检查", dt.date(2024, 4, 1), u, "pass")
    await inspection("2024年度第二次督促检查", dt.date(2024, 10, 1), u, "excellent")
    await finding(u, "general", [("close_request", at(6, 20)), ("closed", at(7, 5))])
    await finding(u, "major", [("close_request", at(7, 20)), ("closed", at(7, 25))])
    return u


async def test_rectification_and_effectiveness_come_from_the_ledger(case: int) -> None:
    found = await score_for(case, 2024, AS_OF, scope=None)
    assert found is not None
    r = found.result
    assert r.rectification_points == 12.5
    assert [round(line.points, 2) for line in r.rectification] == [5.0, 7.5]
    assert r.effectiveness_points == 10  # the later inspection: 优 × 4
    assert any("2024年度第二次督促检查" in n for n in r.notes)
    # Before 07-20 the 重大 finding was open past its deadline: 0 for it, 20 × 1 / 4 = 5.
    early = await score_for(case, 2024, dt.date(2024, 7, 10), scope=None)
    assert early is not None and early.result.rectification_points == 5

    await changes.set_ratings(case, 2024, {"effectiveness": "fail"}, ADMIN, "检查后发生违规事件")
    overridden = await score_for(case, 2024, AS_OF, scope=None)
    assert overridden is not None and overridden.result.effectiveness_points == 7.5
    assert any("检查后发生违规事件" in n for n in overridden.result.notes)
    # 2023 has no finding: full marks, said as such.
    none = await score_for(case, 2023, dt.date(2023, 12, 31), scope=None)
    assert none is not None and none.result.rectification_points == 20
    assert "本年度无整改事项，整改部分按满分计。" in none.result.notes


async def test_the_breakdown_page_and_a_locked_year_show_each_finding(
    client: httpx.AsyncClient, tenant_accounts: dict[str, int], case: int
) -> None:
    from tests.fixtures import csrf_token

    assert (await sign_in(client, "admin")).status_code == 303
    query = "year=2024&as_of=2024-12-31"
    page = await client.get(f"/scores/{case}?{query}")
    assert page.status_code == 200
    for text in ("问题整改得分明细", "重大问题", "逾期完成", "按期完成", "7.50", "12.5"):
        assert text in page.text, text
    token = await csrf_token(client, f"/scores?{query}")
    form = {"_csrf_token": token, "year": "2024", "as_of": "2024-12-31"}
    assert (await client.post("/scores/lock", data=form, follow_redirects=False)).status_code == 303
    locked = await client.get(f"/scores/{case}?{query}")
    assert "已锁定" in locked.text and "逾期完成" in locked.text and "重大问题" in locked.text
    api = (await client.get(f"/api/v1/scores?{query}")).json()
    mine = next(i for i in api["items"] if i["enterprise_id"] == case)
    assert [x["points"] for x in mine["rectification"]] == [5.0, 7.5]


async def test_the_assessment_sheet_explains_the_rectification_part(
    case: int, tmp_path: object
) -> None:
    from pathlib import Path

    from python_calamine import CalamineWorkbook

    from backend.domain.exports.sheets import build_assessment

    found = await score_for(case, 2024, AS_OF, scope=None)
    assert found is not None
    path = Path(str(tmp_path)) / "assessment.xlsx"
    build_assessment(path, title="考核评分表", doc_no="", year=2024, as_of=AS_OF, scores=[found])
    book = CalamineWorkbook.from_path(str(path))
    assert "整改得分明细" in book.sheet_names
    rows = book.get_sheet_by_name("整改得分明细").to_python()
    lines = [row for row in rows[4:] if row[2] in ("一般问题", "重大问题")]
    assert [(row[3], row[6], row[7], row[9]) for row in lines] == [
        ("一般", "已销号", 1.0, 5.0),
        ("重大", "已销号", 0.5, 7.5),
    ]
