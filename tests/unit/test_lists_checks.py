"""The six checks of the three lists (domain.md §4.4), each passing and failing on small
hand-made lists."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from backend.rules.lists import checks
from backend.rules.lists.checks import CheckCode, Result, RowRef
from backend.rules.lists.model import (
    Exemption,
    ListInfo,
    ListSet,
    PositionItem,
    ProcessItem,
    ReviewMatter,
    RiskItem,
    RiskLevel,
    Sheet,
    Vocabulary,
    derived_level,
)

SEED = Path(__file__).resolve().parents[2] / "seed" / "programmes" / "bgzf-2023-120.json"
VOCAB = Vocabulary.from_reference(json.loads(SEED.read_text("utf-8"))["reference"])
TODAY = dt.date(2024, 6, 1)


def good() -> ListSet:
    """Covers the 16 domains (no overseas business), the three links, the four matters."""
    risks = tuple(
        RiskItem(
            row=i + 2,
            seq=i + 1,
            domain=d,
            activity="事项",
            risk_point="风险",
            dept="法务部",
            measures="措施",
            level=RiskLevel.HIGH,
        )
        for i, d in enumerate(VOCAB.domains[:16])
    )
    positions = (
        PositionItem(
            row=2,
            seq=1,
            dept="法务部",
            position="总法律顾问",
            category="决策管理人员",
            risk_refs=(1, 2),
        ),
    )
    links = ["制度制定", "经营决策", "生产运营管理", "生产运营管理"]
    processes = tuple(
        ProcessItem(
            row=i + 2,
            seq=i + 1,
            link=links[i],
            process="流程",
            node="节点",
            risk_refs=(1,),
            review_required=True,
            review_matter=matter,
        )
        for i, matter in enumerate(ReviewMatter)
    )
    info = ListInfo("合规委员会", dt.date(2023, 12, 20), dt.date(2023, 12, 25), False)
    return ListSet(info, risks, positions, processes, ())


def test_vocabulary_comes_from_the_programme() -> None:
    assert len(VOCAB.domains) == 17 and VOCAB.domains[-1] == "域外业务"
    assert VOCAB.links[:3] == ("制度制定", "经营决策", "生产运营管理")
    assert "决策管理人员" in VOCAB.personnel


def test_levels_derive_from_likelihood_and_impact() -> None:
    assert derived_level(3, 5) is RiskLevel.HIGH
    assert derived_level(2, 4) is RiskLevel.MEDIUM
    assert derived_level(1, 7) is RiskLevel.LOW


def test_good_lists_pass_every_check() -> None:
    results = checks.run_checks(good(), VOCAB, TODAY)
    assert [r.code for r in results] == list(CheckCode)
    assert {r.code: r.result for r in results} == dict.fromkeys(CheckCode, Result.PASS)
    assert checks.worst(results) is Result.PASS


def test_result_and_check_names_carry_chinese_labels() -> None:
    assert Result.FAIL.label == "不通过" and Result.WARN.label == "提示"
    assert CheckCode.DOMAIN_COVERAGE.label == "重点领域覆盖"


# 1. domain coverage ------------------------------------------------------------------------


def test_a_missing_domain_fails_and_is_named() -> None:
    lists = good()
    lists = dataclasses.replace(
        lists, risks=tuple(r for r in lists.risks if r.domain != "投资管理")
    )
    result = checks.domain_coverage(lists, VOCAB)
    assert result.result is Result.FAIL
    assert "投资管理" in result.detail


def test_a_domain_marked_not_applicable_with_a_reason_passes() -> None:
    lists = good()
    lists = dataclasses.replace(
        lists,
        risks=tuple(r for r in lists.risks if r.domain != "工程建设"),
        exemptions=(Exemption(2, "工程建设", "本企业不从事工程建设"),),
    )
    assert checks.domain_coverage(lists, VOCAB).result is Result.PASS


def test_not_applicable_without_a_reason_fails_on_its_row() -> None:
    lists = good()
    lists = dataclasses.replace(
        lists,
        risks=tuple(r for r in lists.risks if r.domain != "工程建设"),
        exemptions=(Exemption(3, "工程建设", "  "),),
    )
    result = checks.domain_coverage(lists, VOCAB)
    assert result.result is Result.FAIL
    assert result.rows == (RowRef(Sheet.EXEMPT, 3, "不适用理由"),)


def test_overseas_domain_may_be_left_out_only_without_overseas_business() -> None:
    lists = good()  # no 域外业务 item, no overseas business: passes (above)
    abroad = dataclasses.replace(lists, info=dataclasses.replace(lists.info, has_overseas=True))
    result = checks.domain_coverage(abroad, VOCAB)
    assert result.result is Result.FAIL and "域外业务" in result.detail
    marked = dataclasses.replace(abroad, exemptions=(Exemption(2, "域外业务", "暂无"),))
    result = checks.domain_coverage(marked, VOCAB)
    assert result.result is Result.FAIL
    assert result.rows == (RowRef(Sheet.EXEMPT, 2, "重点领域"),)


# 2. link coverage ---------------------------------------------------------------------------


def test_link_coverage_fails_without_decision_nodes() -> None:
    lists = good()
    lists = dataclasses.replace(
        lists, processes=tuple(p for p in lists.processes if p.link != "经营决策")
    )
    result = checks.link_coverage(lists)
    assert result.result is Result.FAIL and "经营决策" in result.detail
    assert checks.link_coverage(good()).result is Result.PASS


# 3. review-mandatory nodes --------------------------------------------------------------------


def test_each_of_the_four_matters_needs_a_mandatory_review_node() -> None:
    lists = good()
    no_contracts = dataclasses.replace(
        lists,
        processes=tuple(
            p for p in lists.processes if p.review_matter is not ReviewMatter.CONTRACTS
        ),
    )
    result = checks.review_nodes(no_contracts)
    assert result.result is Result.FAIL and "重要合同签订" in result.detail


def test_a_node_of_those_matters_flagged_no_fails_on_its_row() -> None:
    lists = good()
    processes = list(lists.processes)
    processes.append(dataclasses.replace(processes[0], row=9, seq=9, review_required=False))
    result = checks.review_nodes(dataclasses.replace(lists, processes=tuple(processes)))
    assert result.result is Result.FAIL
    assert result.rows == (RowRef(Sheet.PROCESS, 9, "合规审查必经节点"),)


# 4. integrity ----------------------------------------------------------------------------------


def test_a_reference_to_a_missing_risk_fails_on_its_row() -> None:
    lists = good()
    position = dataclasses.replace(lists.positions[0], risk_refs=(1, 99))
    result = checks.integrity(dataclasses.replace(lists, positions=(position,)))
    assert result.result is Result.FAIL
    assert result.rows == (RowRef(Sheet.POSITION, 2, "合规风险点"),)


def test_a_high_risk_without_measures_or_department_fails() -> None:
    lists = good()
    risks = list(lists.risks)
    risks[3] = dataclasses.replace(risks[3], measures="")
    risks[4] = dataclasses.replace(risks[4], dept=" ")
    risks[5] = dataclasses.replace(risks[5], dept="", level=RiskLevel.LOW)  # not 高: fine
    result = checks.integrity(dataclasses.replace(lists, risks=tuple(risks)))
    assert result.result is Result.FAIL
    assert result.rows == (RowRef(Sheet.RISK, 5, "防控措施"), RowRef(Sheet.RISK, 6, "责任部门"))


def test_a_mandatory_node_without_a_risk_is_a_warning() -> None:
    lists = good()
    processes = (dataclasses.replace(lists.processes[0], risk_refs=()), *lists.processes[1:])
    result = checks.integrity(dataclasses.replace(lists, processes=processes))
    assert result.result is Result.WARN
    assert result.rows == (RowRef(Sheet.PROCESS, 2, "关联风险点"),)


# 5. position coverage ---------------------------------------------------------------------------


def test_decision_makers_must_be_listed() -> None:
    lists = good()
    position = dataclasses.replace(lists.positions[0], category="重要风险岗位人员")
    result = checks.position_coverage(dataclasses.replace(lists, positions=(position,)))
    assert result.result is Result.FAIL and "决策管理人员" in result.detail


def test_departments_with_compliance_staff_must_have_positions() -> None:
    result = checks.position_coverage(good(), departments=["法务部", "财务部"])
    assert result.result is Result.FAIL and "财务部" in result.detail
    assert checks.position_coverage(good(), departments=["法务部"]).result is Result.PASS


def test_a_risk_department_without_positions_is_a_warning_on_the_risk_rows() -> None:
    lists = good()
    risks = (dataclasses.replace(lists.risks[0], dept="投资部"), *lists.risks[1:])
    result = checks.position_coverage(dataclasses.replace(lists, risks=risks))
    assert result.result is Result.WARN and "投资部" in result.detail
    assert result.rows == (RowRef(Sheet.RISK, 2, "责任部门"),)


# 6. freshness -------------------------------------------------------------------------------------


def test_lists_without_approval_fail_freshness() -> None:
    lists = dataclasses.replace(good(), info=ListInfo())
    assert checks.freshness(lists, TODAY).result is Result.FAIL


@pytest.mark.parametrize(
    ("effective", "today", "expected", "words"),
    [
        (dt.date(2023, 12, 25), dt.date(2024, 6, 1), Result.PASS, ""),
        (dt.date(2024, 3, 1), dt.date(2024, 6, 1), Result.WARN, "逾期"),
        (dt.date(2023, 12, 25), dt.date(2025, 6, 1), Result.WARN, "超过一年"),
    ],
)
def test_freshness_warns_late_or_stale_lists(
    effective: dt.date, today: dt.date, expected: Result, words: str
) -> None:
    lists = dataclasses.replace(good(), info=ListInfo("合规委员会", effective, effective))
    result = checks.freshness(lists, today)
    assert result.result is expected
    assert words in result.detail


def test_a_recent_item_update_keeps_old_lists_fresh() -> None:
    lists = good()
    risks = (dataclasses.replace(lists.risks[0], updated_on=dt.date(2025, 3, 1)), *lists.risks[1:])
    lists = dataclasses.replace(lists, risks=risks)
    assert checks.freshness(lists, dt.date(2025, 6, 1)).result is Result.PASS


def test_an_update_after_2023_is_not_late_when_an_earlier_version_was_in_force() -> None:
    lists = dataclasses.replace(
        good(), info=ListInfo("合规委员会", dt.date(2024, 12, 1), dt.date(2024, 12, 5))
    )
    assert checks.freshness(lists, dt.date(2025, 1, 10)).result is Result.WARN
    result = checks.freshness(lists, dt.date(2025, 1, 10), first_in_force=dt.date(2023, 12, 20))
    assert result.result is Result.PASS
