"""The items of the three lists, the reference vocabulary they draw on, and the coded values
(sheets, risk levels, consequences, review matters), each carrying its Chinese label."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from backend.lib.labels import LabelledEnum

OVERSEAS_DOMAIN = "域外业务"
OTHER = "其他"
# The three key links of 三 that the process list must cover (其他 is allowed, not required).
REQUIRED_LINKS = ("制度制定", "经营决策", "生产运营管理")
DECISION_MAKERS = "决策管理人员"


class Sheet(LabelledEnum):
    """The sheets of the workbook; the label is the sheet's name."""

    INFO = "info", "基本信息"
    RISK = "risk", "违规风险清单"
    POSITION = "position", "重点岗位合规职责清单"
    PROCESS = "process", "重点流程节点清单"
    EXEMPT = "exempt", "不适用领域"


class RiskLevel(LabelledEnum):
    HIGH = "high", "高"
    MEDIUM = "medium", "中"
    LOW = "low", "低"


class Consequence(LabelledEnum):
    """可能后果 (令42号 第二十条)."""

    LEGAL = "legal", "法律责任"
    ADMINISTRATIVE = "administrative", "行政处罚"
    CRIMINAL = "criminal", "刑事责任"
    ECONOMIC = "economic", "经济损失"
    REPUTATION = "reputation", "声誉损失"


class ReviewMatter(LabelledEnum):
    """The four matters that must pass compliance review (四（四）18)."""

    RULES = "rules", "规章制度制定"
    DECISIONS = "decisions", "重大事项决策"
    CONTRACTS = "contracts", "重要合同签订"
    INVESTMENT = "investment", "重大项目投资运营"


def derived_level(likelihood: int, impact: int) -> RiskLevel:
    """风险等级 from 可能性 × 影响程度 (≥15 高, ≥8 中), unless the sheet overrides it."""
    product = likelihood * impact
    return RiskLevel.HIGH if product >= 15 else RiskLevel.MEDIUM if product >= 8 else RiskLevel.LOW


@dataclass(frozen=True)
class Vocabulary:
    """Reference lists of a programme (seed/programmes/*.json → reference)."""

    domains: tuple[str, ...]
    links: tuple[str, ...]
    personnel: tuple[str, ...]

    @classmethod
    def from_reference(cls, reference: dict[str, Any]) -> Vocabulary:
        def names(kind: str) -> tuple[str, ...]:
            return tuple(i["name"] for i in sorted(reference[kind], key=lambda i: i["seq"]))

        return cls(names("focus_domains"), names("key_links"), names("key_personnel"))

    @property
    def domain_choices(self) -> tuple[str, ...]:
        return (*self.domains, OTHER)


@dataclass(frozen=True)
class RiskItem:
    row: int
    seq: int
    domain: str
    activity: str
    risk_point: str
    description: str = ""
    basis: str = ""
    consequences: tuple[str, ...] = ()
    likelihood: int = 1
    impact: int = 1
    level: RiskLevel = RiskLevel.LOW
    measures: str = ""
    plan: str = ""
    dept: str = ""
    position: str = ""
    link: str = ""
    alert: bool = False
    scope: str = ""
    updated_on: dt.date | None = None


@dataclass(frozen=True)
class PositionItem:
    row: int
    seq: int
    dept: str
    position: str
    category: str
    duties: str = ""
    domains: tuple[str, ...] = ()
    risk_refs: tuple[int, ...] = ()
    compliance_duties: str = ""
    red_lines: str = ""
    basis: str = ""
    headcount: int | None = None
    updated_on: dt.date | None = None


@dataclass(frozen=True)
class ProcessItem:
    row: int
    seq: int
    link: str
    process: str
    node: str
    key_matter: str = ""
    risk_refs: tuple[int, ...] = ()
    controls: str = ""
    review_required: bool = False
    review_matter: ReviewMatter | None = None
    owner_dept: str = ""
    exec_dept: str = ""
    supervise_dept: str = ""
    output: str = ""
    in_system: bool = False
    updated_on: dt.date | None = None


@dataclass(frozen=True)
class Exemption:
    """A domain marked 不适用, with its reason."""

    row: int
    domain: str
    reason: str


@dataclass(frozen=True)
class ListInfo:
    """The 基本信息 sheet: who approved the lists, when they took effect."""

    approved_by: str = ""
    approved_on: dt.date | None = None
    effective_from: dt.date | None = None
    has_overseas: bool = False


@dataclass(frozen=True)
class ListSet:
    """One version of an enterprise's three lists."""

    info: ListInfo = field(default_factory=ListInfo)
    risks: tuple[RiskItem, ...] = ()
    positions: tuple[PositionItem, ...] = ()
    processes: tuple[ProcessItem, ...] = ()
    exemptions: tuple[Exemption, ...] = ()
