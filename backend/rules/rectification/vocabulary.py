"""The 整改台账 vocabulary (domain.md §5.2): every coded value of an inspection or a finding,
with its Chinese label. Pure enums shared by the tables' `choices=`, the rules and the pages."""

from __future__ import annotations

from backend.lib.labels import LabelledEnum


class InspectionKind(LabelledEnum):
    """Who inspected, and how: SASAC's own checks, or an enterprise's self-inspection (A5, C2)."""

    SASAC_SUPERVISION = "sasac_supervision", "国资委督促检查"
    SASAC_SPECIAL = "sasac_special", "国资委专项检查"
    SELF_INSPECTION = "self_inspection", "企业全级次自查"
    SELF_SPECIAL = "self_special", "企业专项检查"

    @property
    def by_sasac(self) -> bool:
        return self in (InspectionKind.SASAC_SUPERVISION, InspectionKind.SASAC_SPECIAL)


class FindingSource(LabelledEnum):
    """问题来源, the first column of the ledger."""

    SASAC_SUPERVISION = "sasac_supervision", "国资委督促检查"
    SPECIAL = "special", "专项检查"
    SELF = "self", "企业自查"
    AUDIT = "audit", "审计"
    DISCIPLINE = "discipline", "纪检监察"
    PATROL = "patrol", "巡察"


class Severity(LabelledEnum):
    """问题等级."""

    GENERAL = "general", "一般"
    SERIOUS = "serious", "较重"
    MAJOR = "major", "重大"


class RectificationType(LabelledEnum):
    """整改类型 (120号 四（一）5 立行立改)."""

    IMMEDIATE = "immediate", "立行立改"
    DEADLINE = "deadline", "限期整改"
    LONG_TERM = "long_term", "长期坚持"


class FindingStatus(LabelledEnum):
    """整改状态, derived from the facts as of an instant; never stored."""

    NOT_STARTED = "not_started", "未启动"
    IN_PROGRESS = "in_progress", "整改中"
    AWAITING_CHECK = "awaiting_check", "已完成待核验"
    CLOSED = "closed", "已销号"
    OVERDUE = "overdue", "逾期"
    ONGOING = "ongoing", "长期坚持中"

    @property
    def is_open(self) -> bool:
        return self not in (FindingStatus.CLOSED, FindingStatus.ONGOING)


class FindingEventKind(LabelledEnum):
    """One dated entry of a finding's history (整改进展)."""

    RAISED = "raised", "提出问题"
    PROGRESS = "progress", "整改进展"
    CLOSE_REQUEST = "close_request", "申请销号"
    CLOSED = "closed", "核验销号"
    REJECTED = "rejected", "退回"


class RatingDimension(LabelledEnum):
    """The four focus areas SASAC's 督促检查 rates (五（三）), as the rubric keys them."""

    ORGANISATION = "organisation", "组织建设"
    RULES = "rules", "制度建设"
    MECHANISM = "mechanism", "运行机制"
    EFFECTIVENESS = "effectiveness", "合规有效性"
