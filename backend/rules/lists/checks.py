"""The six automatic checks of domain.md §4.4, as pure functions of one version of the lists.

Each returns pass / warn / fail with the rows concerned, so the enterprise (before it submits),
the reviewer (beside the files) and SASAC (on the board) read the same verdict."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from backend.lib.labels import LabelledEnum
from backend.rules.lists.model import (
    DECISION_MAKERS,
    OVERSEAS_DOMAIN,
    REQUIRED_LINKS,
    ListSet,
    ReviewMatter,
    RiskLevel,
    Sheet,
    Vocabulary,
)

# A3 (三张清单建成并投入使用) is due on this day; later lists are late but still count as in use.
A3_DUE = dt.date(2023, 12, 31)
# R5: the lists are updated at least once a year after they take effect.
UPDATE_EVERY_DAYS = 366


class Result(LabelledEnum):
    PASS = "pass", "通过"
    WARN = "warn", "提示"
    FAIL = "fail", "不通过"


class CheckCode(LabelledEnum):
    DOMAIN_COVERAGE = "domain_coverage", "重点领域覆盖"
    LINK_COVERAGE = "link_coverage", "重点环节覆盖"
    REVIEW_NODES = "review_nodes", "合规审查必经节点"
    INTEGRITY = "integrity", "清单完整性"
    POSITION_COVERAGE = "position_coverage", "重点岗位覆盖"
    FRESHNESS = "freshness", "审定与更新"


@dataclass(frozen=True, order=True)
class RowRef:
    sheet: Sheet
    row: int
    column: str = ""  # the column header at fault, when one is


@dataclass(frozen=True)
class CheckResult:
    code: CheckCode
    result: Result
    detail: str
    rows: tuple[RowRef, ...] = field(default=())


def _verdict(
    code: CheckCode, fails: list[str], warns: list[str], rows: Iterable[RowRef], ok: str
) -> CheckResult:
    result = Result.FAIL if fails else Result.WARN if warns else Result.PASS
    detail = "；".join([*fails, *warns]) or ok
    return CheckResult(code, result, detail, tuple(sorted(set(rows))))


def domain_coverage(lists: ListSet, vocab: Vocabulary) -> CheckResult:
    """Each of the 17 domains has a risk item, or is 不适用 with a reason. 域外业务 needs no
    reason when the enterprise declares no overseas business; with it, 不适用 is refused."""
    counts = {d: 0 for d in vocab.domains}
    for risk in lists.risks:
        if risk.domain in counts:
            counts[risk.domain] += 1
    exempt = {e.domain: e for e in lists.exemptions}
    fails: list[str] = []
    rows: list[RowRef] = []
    missing = [d for d, n in counts.items() if n == 0 and d not in exempt]
    missing = [d for d in missing if not (d == OVERSEAS_DOMAIN and not lists.info.has_overseas)]
    if missing:
        fails.append(f"以下重点领域既无风险事项、也未说明不适用：{'、'.join(missing)}")
    for domain, exemption in exempt.items():
        if counts.get(domain):
            continue  # covered anyway: the 不适用 line is moot
        if domain == OVERSEAS_DOMAIN and lists.info.has_overseas:
            fails.append("本企业填报有境外业务，“域外业务”不得标为不适用")
            rows.append(RowRef(Sheet.EXEMPT, exemption.row, "重点领域"))
        elif not exemption.reason.strip() and domain != OVERSEAS_DOMAIN:
            fails.append(f"“{domain}”标为不适用但未说明理由")
            rows.append(RowRef(Sheet.EXEMPT, exemption.row, "不适用理由"))
    covered = sum(1 for n in counts.values() if n)
    return _verdict(
        CheckCode.DOMAIN_COVERAGE,
        fails,
        [],
        rows,
        f"{len(vocab.domains)} 个重点领域中 {covered} 个有风险事项，其余均已说明不适用",
    )


def link_coverage(lists: ListSet) -> CheckResult:
    present = {p.link for p in lists.processes}
    missing = [link for link in REQUIRED_LINKS if link not in present]
    fails = [f"重点流程节点清单缺少以下重点环节的节点：{'、'.join(missing)}"] if missing else []
    return _verdict(CheckCode.LINK_COVERAGE, fails, [], [], "三个重点环节均有流程节点")


def review_nodes(lists: ListSet) -> CheckResult:
    """四（四）18: 规章制度制定、重大事项决策、重要合同签订、重大项目投资运营 must pass compliance
    review: each has a node flagged 合规审查必经, and no node of those matters is flagged 否."""
    flagged = {p.review_matter for p in lists.processes if p.review_required}
    missing = [m.label for m in ReviewMatter if m not in flagged]
    unflagged = [p for p in lists.processes if p.review_matter and not p.review_required]
    fails = []
    if missing:
        fails.append(f"以下事项没有标为合规审查必经的节点：{'、'.join(missing)}")
    if unflagged:
        fails.append(f"{len(unflagged)} 个属于四（四）18 所列事项的节点未标为合规审查必经")
    return _verdict(
        CheckCode.REVIEW_NODES,
        fails,
        [],
        [RowRef(Sheet.PROCESS, p.row, "合规审查必经节点") for p in unflagged],
        "四类事项均设有合规审查必经节点",
    )


def integrity(lists: ListSet) -> CheckResult:
    """Every cross-reference resolves to a risk item; every 高 risk has 防控措施 and 责任部门."""
    known = {r.seq for r in lists.risks}
    rows: list[RowRef] = []
    fails: list[str] = []
    refs = (
        (Sheet.POSITION, lists.positions, "合规风险点"),
        (Sheet.PROCESS, lists.processes, "关联风险点"),
    )
    broken = [
        RowRef(sheet, item.row, column)
        for sheet, items, column in refs
        for item in items
        if any(ref not in known for ref in item.risk_refs)
    ]
    if broken:
        fails.append(f"{len(broken)} 行引用了违规风险清单中不存在的序号")
        rows += broken
    bare = [
        RowRef(Sheet.RISK, r.row, "防控措施" if not r.measures.strip() else "责任部门")
        for r in lists.risks
        if r.level is RiskLevel.HIGH and not (r.measures.strip() and r.dept.strip())
    ]
    if bare:
        fails.append(f"{len(bare)} 项高风险缺少防控措施或责任部门")
        rows += bare
    warns = []
    unlinked = [
        RowRef(Sheet.PROCESS, p.row, "关联风险点")
        for p in lists.processes
        if p.review_required and not p.risk_refs
    ]
    if unlinked:
        warns.append(f"{len(unlinked)} 个合规审查必经节点未关联风险点")
        rows += unlinked
    return _verdict(
        CheckCode.INTEGRITY, fails, warns, rows, "交叉引用均有效，高风险均有措施和责任部门"
    )


def position_coverage(lists: ListSet, departments: Iterable[str] = ()) -> CheckResult:
    """决策管理人员 appear; every department with 合规管理员 (given) has positions in the list (a
    fail); a department responsible for risks but absent from the position list is a warning."""
    listed = {p.dept.strip() for p in lists.positions}
    fails: list[str] = []
    if not any(p.category == DECISION_MAKERS for p in lists.positions):
        fails.append("重点岗位合规职责清单中没有“决策管理人员”类别的岗位")
    absent = sorted({d.strip() for d in departments if d.strip()} - listed)
    if absent:
        fails.append(f"以下设有合规管理员的部门没有重点岗位：{'、'.join(absent)}")
    unlisted = [r for r in lists.risks if r.dept.strip() and r.dept.strip() not in listed]
    warns = []
    if unlisted:
        names = "、".join(sorted({r.dept.strip() for r in unlisted}))
        warns.append(f"以下风险责任部门在重点岗位合规职责清单中没有岗位：{names}")
    return _verdict(
        CheckCode.POSITION_COVERAGE,
        fails,
        warns,
        [RowRef(Sheet.RISK, r.row, "责任部门") for r in unlisted],
        "决策管理人员和各责任部门的重点岗位均已列入",
    )


def freshness(lists: ListSet, today: dt.date, first_in_force: dt.date | None = None) -> CheckResult:
    """Approved and in effect (A3: by 2023-12-31), then updated at least once a year (R5).
    `first_in_force`: when an earlier version took effect; a later update is not late."""
    info = lists.info
    fails: list[str] = []
    warns: list[str] = []
    if info.approved_on is None or info.effective_from is None:
        fails.append("基本信息未填写审定日期或施行日期，清单尚未审定施行")
    else:
        if info.effective_from > today:
            warns.append("清单尚未到施行日期")
        first = min(d for d in (info.effective_from, first_in_force) if d is not None)
        if first > A3_DUE:
            warns.append("清单晚于 2023年12月31日 施行（A3 逾期）")
        dates = [
            d
            for d in (
                info.effective_from,
                info.approved_on,
                *(r.updated_on for r in lists.risks),
                *(p.updated_on for p in lists.positions),
                *(p.updated_on for p in lists.processes),
            )
            if d is not None and d <= today
        ]
        if dates and (today - max(dates)).days > UPDATE_EVERY_DAYS:
            warns.append(f"清单最近一次更新在 {max(dates).isoformat()}，已超过一年未更新")
    return _verdict(CheckCode.FRESHNESS, fails, warns, [], "清单已审定施行，且一年内有更新")


def run_checks(
    lists: ListSet,
    vocab: Vocabulary,
    today: dt.date,
    departments: Iterable[str] = (),
    first_in_force: dt.date | None = None,
) -> list[CheckResult]:
    """All six checks, in the order of §4.4."""
    return [
        domain_coverage(lists, vocab),
        link_coverage(lists),
        review_nodes(lists),
        integrity(lists),
        position_coverage(lists, departments),
        freshness(lists, today, first_in_force),
    ]


def worst(results: Iterable[CheckResult]) -> Result:
    found = {r.result for r in results}
    return (
        Result.FAIL
        if Result.FAIL in found
        else Result.WARN
        if Result.WARN in found
        else Result.PASS
    )
