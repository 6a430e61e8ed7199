"""Demo 三张清单: most groups have filled lists, a few have real gaps (a missing domain, a
broken cross-reference, overseas business without 域外业务 risks), some were updated a year on,
and a few groups have none. Deterministic for a seed; nothing dated after `today`."""

from __future__ import annotations

import datetime as dt
import random

from backend.db.tables import Enterprise
from backend.domain.lists.service import store_version
from backend.domain.lists.vocabulary import load_vocabulary
from backend.lib.timeutil import TZ
from backend.lib.timeutil import today as shanghai_today
from backend.rules.lists import checks
from backend.rules.lists.model import (
    ListInfo,
    ListSet,
    PositionItem,
    ProcessItem,
    ReviewMatter,
    RiskItem,
    derived_level,
)

DEPTS = ("法务合规部", "财务部", "投资发展部", "工程管理部", "人力资源部", "安全环保部",
         "综合办公室", "市场经营部", "信息中心", "资产管理部")  # fmt: skip
RISKS = {
    "公司治理": ("“三重一大”决策", "未经集体决策", "综合办公室"),
    "市场交易": ("招标采购", "规避招标、围标串标", "市场经营部"),
    "合同管理": ("合同签订", "未经合规审查签订合同", "法务合规部"),
    "商业伙伴": ("供应商准入", "未开展商业伙伴合规调查", "市场经营部"),
    "财务税收": ("资金支付", "违规支付、虚列成本", "财务部"),
    "债务管理": ("融资担保", "超越权限对外担保", "财务部"),
    "投资管理": ("股权投资", "未履行可研和决策程序", "投资发展部"),
    "工程建设": ("工程发包", "违法分包转包", "工程管理部"),
    "知识产权": ("商标与专利", "侵犯他人知识产权", "法务合规部"),
    "租赁性资产": ("房产出租", "低价出租、未公开招租", "资产管理部"),
    "信息安全": ("数据管理", "泄露商业秘密和个人信息", "信息中心"),
    "劳动用工": ("招聘用工", "违规招聘、拖欠工资", "人力资源部"),
    "安全环保": ("安全生产", "安全隐患未整改", "安全环保部"),
    "产品质量": ("质量管控", "产品质量不达标", "市场经营部"),
    "礼品与商务接待": ("商务接待", "超标准接待、收受礼品", "综合办公室"),
    "社会捐赠与赞助": ("对外捐赠", "未经审批对外捐赠", "综合办公室"),
    "域外业务": ("境外项目", "违反所在国法律和制裁规定", "投资发展部"),
}
LINKS = ("制度制定", "经营决策", "生产运营管理")


def _lists(rng: random.Random, flaw: str, issued: dt.date, overseas: bool) -> ListSet:
    vocab = load_vocabulary()
    domains = [d for d in vocab.domains if d != "域外业务" or (overseas and flaw != "overseas")]
    if flaw == "gap":
        domains.remove(rng.choice(["投资管理", "债务管理", "租赁性资产", "商业伙伴"]))
    risks: list[RiskItem] = []
    for domain in domains:
        activity, point, dept = RISKS[domain]
        for extra in range(rng.randint(1, 3)):
            likelihood, impact = rng.randint(1, 5), rng.randint(2, 5)
            risks.append(RiskItem(
                row=len(risks) + 2, seq=len(risks) + 1, domain=domain, activity=activity,
                risk_point=point if not extra else f"{point}（{extra + 1}）",
                basis="《中央企业合规管理办法》", likelihood=likelihood, impact=impact,
                level=derived_level(likelihood, impact), measures="纳入合规审查，定期检查",
                dept=dept, link=rng.choice(LINKS), updated_on=issued,
            ))  # fmt: skip
    used = sorted({r.dept for r in risks})
    posts = [
        PositionItem(
            row=2,
            seq=1,
            dept="综合办公室",
            position="总经理",
            category="决策管理人员",
            risk_refs=(1,),
            compliance_duties="主持决策",
        )
    ]
    for dept in used:
        refs = tuple(r.seq for r in risks if r.dept == dept)[:3]
        if flaw == "broken" and len(posts) == 2:
            refs = (*refs, len(risks) + 7)  # cites a risk that is not in the list
        posts.append(PositionItem(
            row=len(posts) + 2, seq=len(posts) + 1, dept=dept, position=f"{dept[:-1]}主管岗",
            category="重要风险岗位人员", risk_refs=refs, compliance_duties="审核本部门业务合规性",
        ))  # fmt: skip
    nodes = [
        ProcessItem(row=i + 2, seq=i + 1, link=LINKS[min(i, 2)], process=matter.label,
                    node="合规审查", risk_refs=(risks[i].seq,), controls="法务合规部出具审查意见",
                    review_required=True, review_matter=matter, owner_dept="法务合规部")
        for i, matter in enumerate(ReviewMatter)
    ]  # fmt: skip
    info = ListInfo("合规委员会", issued - dt.timedelta(days=5), issued, overseas)
    return ListSet(info, tuple(risks), tuple(posts), tuple(nodes), ())


async def load_demo_lists(*, seed: int = 120, today: dt.date | None = None) -> int:
    """Store demo lists for most groups; returns how many versions were stored."""
    day = today or shanghai_today()
    rng = random.Random(seed)
    groups = (
        await Enterprise.select(Enterprise.id, Enterprise.name)
        .where(Enterprise.parent.is_null())
        .order_by(Enterprise.id)
    )
    order = rng.sample(groups, len(groups))
    flaws = ["none"] * len(order)
    for i, flaw in enumerate(("missing", "missing", "missing", "gap", "gap", "broken", "overseas")):
        if i < len(flaws):
            flaws[i] = flaw
    stored = 0
    for group, flaw in zip(order, flaws, strict=True):
        if flaw == "missing":
            continue
        issued = dt.date(2023, 12, rng.randint(8, 28))
        dates = [issued] + ([dt.date(2024, 12, rng.randint(2, 20))] if rng.random() < 0.4 else [])
        for when in dates:  # the first version is in force from `issued`
            if when > day:
                continue
            overseas = flaw == "overseas" or rng.random() < 0.15
            lists = _lists(rng, flaw, when, overseas)
            results = checks.run_checks(lists, load_vocabulary(), when, first_in_force=issued)
            uploaded = dt.datetime(when.year, when.month, when.day, 10, tzinfo=TZ)
            await store_version(group["id"], lists, results, "三张清单.xlsx", "", None, uploaded)
            stored += 1
    return stored
