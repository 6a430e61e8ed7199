"""合规得分: a hand-worked score checked through the service, the API and the pages; ratings,
adjustments (with their caps), locking (and audited unlocking), and who may see and change it."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from backend.db.tables import AuditEvent, Exemption
from backend.domain.scores import changes
from backend.domain.scores.service import ScoreError, compute_scores, score_for
from backend.security.audit import Actor
from tests import factories as f
from tests.fixtures import at, csrf_token, sign_in

AS_OF = dt.date(2023, 12, 31)
ADMIN = Actor(None, "测试管理员")
Q = "year=2023&as_of=2023-12-31"


async def build_case(roster: dict[str, int]) -> int:
    """Group U (提级管理, so UPG7 duties) in 2023, as of 2023-12-31, on top of the roster
    (which already has P1 submitted on time and approved 良, and A4 exempt):

      P1  w 8   due 05-22, first 05-20 → T 1.0; approved 良 → Q 0.85     → 8 × 1.0 × 0.85 =  6.8
      A6  w 8   due 12-20 (Wed), first 12-22 (Fri): 2 workdays late → T 0.8;
                approved 优 → Q 1.0                                       → 8 × 0.8 × 1.0  =  6.4
      A3  w 14  due 12-31, first 12-15 → T 1.0; approved 合格 → Q 0.7    → 14 × 1.0 × 0.7 =  9.8
      A4  w 5   exempt → outside the maximum
      R2  w 3   due 2023-03-31, extended to 2024-01-31 → not yet due, outside the maximum
      R3  w 3   due 2023-03-31, nothing yet → 0, counted, 暂计
      A1b A1c A1d A2 A5 R1: due 12-31, nothing submitted, deadline not passed → not counted
    maximum = 8 + 8 + 14 + 3 = 33; earned = 6.8 + 6.4 + 9.8 = 23.0
    obligations = 70 × 23 / 33 = 48.79; rectification 20 (本年度无整改事项); effectiveness 0
    total = 68.79 → 68.8 (合格), provisional because of R3."""
    u = roster["U"]
    v = await f.submit(u, await f.obligation_id("A6"), at(2023, 12, 22))
    await f.review(v, "approve", at(2023, 12, 27), grade="excellent")
    v = await f.submit(u, await f.obligation_id("A3"), at(2023, 12, 15))
    await f.review(v, "approve", at(2023, 12, 20), grade="pass")
    await Exemption.insert(
        Exemption(
            enterprise=u,
            obligation=await f.obligation_id("R2", 2023),
            kind="extension",
            reason="重组中，延期报送",
            extended_to=dt.date(2024, 1, 31),
            granted_at=at(2023, 3, 1),
        )
    )
    return u


def by_id(scores: list, enterprise_id: int):  # type: ignore[no-untyped-def]
    return next(s for s in scores if s.enterprise.id == enterprise_id)


async def test_hand_worked_score_matches_service_api_and_pages(
    client: httpx.AsyncClient, tenant_accounts: dict[str, int], roster: dict[str, int]
) -> None:
    u = await build_case(roster)
    scores = await compute_scores(2023, AS_OF)
    assert {s.enterprise.id for s in scores} == {roster["U"], roster["G"]}  # groups only
    s = by_id(scores, u)
    r = s.result
    assert r.obligations_points == pytest.approx(70 * 23 / 33, abs=0.01)
    assert (r.rectification_points, r.effectiveness_points) == (20, 0)
    assert (r.total, r.grade, r.provisional) == (68.8, "合格", True)
    lines = {line.code: line for line in r.lines}
    assert lines["A6"].workdays_late == 2 and lines["A6"].t == 0.8
    assert lines["A6"].points == pytest.approx(6.4)
    assert lines["A3"].points == pytest.approx(9.8)
    assert lines["P1"].points == pytest.approx(6.8)
    assert not lines["A4"].counted and not lines["R2"].counted
    assert lines["R2"].due_on == dt.date(2024, 1, 31)
    assert lines["R3"].counted and lines["R3"].provisional and lines["R3"].points == 0
    assert "A1a" not in lines  # T1 only
    assert scores == sorted(scores, key=lambda x: -x.result.total)

    assert (await sign_in(client, "leader")).status_code == 303
    api = await client.get(f"/api/v1/scores?{Q}")
    assert api.status_code == 200, api.text
    body = api.json()
    assert body["year"] == 2023 and body["locked"] is False and body["total"] == 2
    item = next(i for i in body["items"] if i["enterprise_id"] == u)
    assert item["total"] == 68.8 and item["grade"] == "合格" and item["provisional"] is True
    assert item["parts"]["rectification"] == 20
    a6 = next(x for x in item["breakdown"] if x["code"] == "A6")
    assert (a6["t"], a6["q"], a6["weight"], a6["workdays_late"]) == (0.8, 1.0, 8, 2)
    assert a6["due_on"] == "2023-12-20" and a6["first_submitted_at"].startswith("2023-12-22")

    page = await client.get(f"/scores?{Q}")
    assert page.status_code == 200 and "68.8" in page.text and "暂计" in page.text
    assert "提级管理示例集团（示例）" in page.text and "合格" in page.text
    detail = await client.get(f"/scores/{u}?{Q}")
    assert detail.status_code == 200
    for text in ("68.8", "48.8", "逾期 2 个工作日", "不计", "本年度无整改事项"):
        assert text in detail.text, text
    assert "保存评价" not in detail.text  # the leader reads only
    # The two grade scales are told apart where they meet; T and Q and lateness are spelled out.
    for text in ("审核评级", "年度得分等级", "优秀 ≥ 90 分", "及时性系数 T", "质量系数 Q",
                 "逾期（工作日）", "个自然日"):  # fmt: skip
        assert text in detail.text, text
    assert "年度得分等级" in page.text and "不同于审核材料时的评级" in page.text
    assert "2023年度合规管理得分" in detail.text and "2023 年度" not in detail.text

    for bad in ("year=1999", "year=abc", "as_of=2023-13-01", "as_of=20231231"):
        response = await client.get(f"/api/v1/scores?{bad}")
        assert response.status_code == 400, bad
        assert any("\u4e00" <= c <= "\u9fff" for c in response.json()["detail"]), bad
    assert (await client.get(f"/scores/{roster['G1']}?{Q}")).status_code == 404  # not a group


async def test_ratings_and_adjustments_move_the_total_within_caps(
    client: httpx.AsyncClient, tenant_accounts: dict[str, int], roster: dict[str, int]
) -> None:
    u = await build_case(roster)

    async def total() -> float:
        found = await score_for(u, 2023, AS_OF, scope=None)
        assert found is not None
        return found.result.total

    # 优 2.5 + 良 2.0 + 合格 1.5 + 不合格 0 = 6.0 → 68.79 + 6 = 74.79
    ratings = {"organisation": "excellent", "rules": "good", "mechanism": "pass"}
    with pytest.raises(ScoreError, match="理由"):  # a hand rating overrides: it needs a reason
        await changes.set_ratings(u, 2023, {**ratings, "effectiveness": "fail"}, ADMIN)
    assert await total() == 68.8
    await changes.set_ratings(u, 2023, {**ratings, "effectiveness": "fail"}, ADMIN, "未经检查")
    assert await total() == 74.8
    await changes.add_adjustment(u, 2023, 3, "获评合规管理示范单位", ADMIN)  # 77.79
    assert await total() == 77.8
    await changes.add_adjustment(u, 2023, 4, "合规案例入选汇编", ADMIN)  # +7 capped at +5 → 79.79
    assert await total() == 79.8
    await changes.add_adjustment(u, 2023, -15, "发生重大合规风险事件", ADMIN)  # 64.79
    assert await total() == 64.8
    last = await changes.add_adjustment(u, 2023, -10, "迟报风险事件", ADMIN)  # −25 → −20: 59.79
    found = await score_for(u, 2023, AS_OF, scope=None)
    assert found is not None and (found.result.total, found.result.grade) == (59.8, "不合格")
    assert found.result.deduction == -20 and found.result.bonus == 5
    assert [a["amount"] for a in found.adjustments] == [3, 4, -15, -10]
    await changes.revoke_adjustment(last, ADMIN, "登记有误")
    assert await total() == 64.8

    for amount, reason in ((0, "零分"), (25, "过多"), (2, "  ")):
        with pytest.raises(ScoreError):
            await changes.add_adjustment(u, 2023, amount, reason, ADMIN)
    with pytest.raises(ScoreError):
        await changes.add_adjustment(roster["G1"], 2023, 1, "子企业不计分", ADMIN)

    # Through the page, as sasac_admin: a rating change and an adjustment.
    assert (await sign_in(client, "admin")).status_code == 303
    token = await csrf_token(client, f"/scores/{u}?{Q}")
    form = {"_csrf_token": token, "year": "2023", "as_of": "2023-12-31"}
    response = await client.post(
        f"/scores/{u}/ratings",
        data={**form, **ratings, "effectiveness": "excellent", "reason": "复核改定"},  # +2.5
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    response = await client.post(
        f"/scores/{u}/adjustments",
        data={**form, "amount": "-2.5", "reason": "材料弄虚作假"},  # 64.79
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert await total() == 64.8
    bad = await client.post(f"/scores/{u}/adjustments", data={**form, "amount": "1", "reason": ""})
    assert bad.status_code == 422 and "请填写加减分理由" in bad.text
    audited = await AuditEvent.count().where(AuditEvent.action == "score_adjust")
    assert audited == 6  # 4 adjustments + 1 revocation + 1 adjustment
    overrides = await AuditEvent.count().where(AuditEvent.action == "rating_override")
    assert overrides == 2  # the service's and the page's, each with its reason


async def test_lock_freezes_scores_and_unlock_is_audited(
    client: httpx.AsyncClient, tenant_accounts: dict[str, int], roster: dict[str, int]
) -> None:
    u = await build_case(roster)
    assert (await sign_in(client, "admin")).status_code == 303
    token = await csrf_token(client, f"/scores?{Q}")
    form = {"_csrf_token": token, "year": "2023", "as_of": "2023-12-31"}
    response = await client.post("/scores/lock", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text

    # R3 delivered on 12-29, 188 workdays late → T 0.4, awaiting review → Q 0.7: 3 × 0.4 × 0.7
    # = 0.84, which would make 70 × 23.84 / 33 + 20 = 70.57; the locked score stays 68.8.
    await f.submit(u, await f.obligation_id("R3", 2023), at(2023, 12, 29))
    locked = by_id(await compute_scores(2023, AS_OF), u)
    assert locked.locked and locked.result.total == 68.8
    assert {line.code for line in locked.result.lines} >= {"P1", "A6", "R3"}
    api = (await client.get(f"/api/v1/scores?{Q}")).json()
    assert api["locked"] is True
    assert next(i for i in api["items"] if i["enterprise_id"] == u)["total"] == 68.8
    page = await client.get(f"/scores?{Q}")
    assert "已锁定" in page.text and "68.8" in page.text
    with pytest.raises(ScoreError):
        await changes.add_adjustment(u, 2023, 1, "锁定后不得调整", ADMIN)

    refused = await client.post("/scores/unlock", data={**form, "reason": ""})
    assert refused.status_code == 400
    response = await client.post(
        "/scores/unlock", data={**form, "reason": "复核发现数据有误"}, follow_redirects=False
    )
    assert response.status_code == 303
    live = by_id(await compute_scores(2023, AS_OF), u)
    assert not live.locked and live.result.total == 70.6
    events = await AuditEvent.select().where(AuditEvent.entity == "score_lock")
    assert len(events) == 2
    assert [e["action"] for e in events] == ["score_lock", "score_unlock"]  # 锁定得分, 解除…
    assert "复核发现数据有误" in str(events[-1]["changes"])
    assert events[-1]["actor_name"] == "admin"


async def test_who_may_see_and_change_scores(
    app: object, tenant_accounts: dict[str, int], roster: dict[str, int]
) -> None:
    from tests.conftest import client_for

    u = roster["U"]
    for username in ("ent_g", "ent_u", "auditor"):
        async with client_for(app) as c:  # type: ignore[arg-type]
            assert (await sign_in(c, username)).status_code == 303
            assert (await c.get("/scores")).status_code == 403, username
            assert (await c.get("/api/v1/scores")).status_code == 403, username
            assert (await c.get(f"/scores/{u}")).status_code == 403, username
    async with client_for(app) as c:  # type: ignore[arg-type]
        assert (await sign_in(c, "leader")).status_code == 303
        assert (await c.get(f"/scores?{Q}")).status_code == 200
        assert (await c.get(f"/scores/{u}?{Q}")).status_code == 200
        token = await csrf_token(c, "/account/password")
        form = {"_csrf_token": token, "year": "2023", "as_of": "2023-12-31"}
        for path, extra in (
            (f"/scores/{u}/ratings", {"organisation": "excellent"}),
            (f"/scores/{u}/adjustments", {"amount": "5", "reason": "领导不可调整"}),
            ("/scores/lock", {}),
            ("/scores/unlock", {"reason": "x"}),
        ):
            response = await c.post(path, data={**form, **extra}, follow_redirects=False)
            assert response.status_code == 403, path
    assert await AuditEvent.count().where(AuditEvent.action == "score_adjust") == 0


async def test_scores_take_a_fixed_number_of_queries(
    roster: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from backend.db import fastread

    calls: list[str] = []
    real = fastread.fetch_tuples

    async def counting(sql: str, *args: object) -> list[tuple[object, ...]]:
        calls.append(sql)
        return await real(sql, *args)

    monkeypatch.setattr(fastread, "fetch_tuples", counting)
    await compute_scores(2023, AS_OF)
    few = len(calls)
    for n in range(6):
        await f.enterprise(f"新增集团{n}（示例）")
    calls.clear()
    assert len(await compute_scores(2023, AS_OF)) == 8
    assert len(calls) == few == 3  # versions, reviews, exemptions: whatever the roster size


async def test_capped_adjustments_are_said_and_a_locked_year_has_no_provisional_tags(
    client: httpx.AsyncClient, tenant_accounts: dict[str, int], roster: dict[str, int]
) -> None:
    u = await build_case(roster)
    await f.submit(u, await f.obligation_id("R3", 2023), at(2023, 12, 29))  # awaits review: 暂计
    await changes.add_adjustment(u, 2023, 3, "获评合规管理示范单位", ADMIN)
    await changes.add_adjustment(u, 2023, 4, "合规案例入选汇编", ADMIN)
    assert (await sign_in(client, "admin")).status_code == 303
    detail = await client.get(f"/scores/{u}?{Q}")
    assert "已登记加分合计 +7.0 分，超过上限 +5 分，总分中按 +5 分计" in detail.text
    assert "考核折算分" in detail.text and "满分 5 分" in detail.text
    tag = 'class="st st-submitted">暂计'
    assert tag in detail.text  # live: the pending R3 is provisional
    token = await csrf_token(client, f"/scores?{Q}")
    form = {"_csrf_token": token, "year": "2023", "as_of": "2023-12-31"}
    assert (await client.post("/scores/lock", data=form, follow_redirects=False)).status_code == 303
    for path in (f"/scores/{u}?{Q}", f"/scores?{Q}"):
        page = await client.get(path)
        assert page.status_code == 200 and "已锁定" in page.text
        assert "暂计</span>" not in page.text, path
