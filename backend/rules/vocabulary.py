"""The review vocabulary: every coded value of a review or an exemption, with its Chinese label.

Pure enums (rules import nothing of ours but lib), shared by the tables' `choices=`, the rules
(scoring), the services and the pages."""

from __future__ import annotations

from backend.lib.labels import LabelledEnum


class Decision(LabelledEnum):
    APPROVE = "approve", "通过"
    RETURN = "return", "退回修改"
    REOPEN = "reopen", "重新打开"

    @property
    def notice(self) -> str:
        """The word that heads the enterprise's message (【审核通过】…)."""
        return "审核通过" if self is Decision.APPROVE else self.label


class Grade(LabelledEnum):
    """The grade of an approved version."""

    EXCELLENT = "excellent", "优"
    GOOD = "good", "良"
    PASS = "pass", "合格"


class Rating(LabelledEnum):
    """An effectiveness rating of one dimension (有效性评价); empty until rated."""

    EXCELLENT = "excellent", "优"
    GOOD = "good", "良"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"
    UNRATED = "", "未评定"


class ReturnReason(LabelledEnum):
    MATERIAL_INCOMPLETE = "material_incomplete", "材料不全"
    CONTENT_NONCONFORMING = "content_nonconforming", "内容不符合要求"
    FILE_UNREADABLE = "file_unreadable", "文件无法打开"
    NOT_SEALED = "not_sealed", "未盖章"
    OTHER = "other", "其他"


class ReviewState(LabelledEnum):
    DRAFT = "draft", "草稿"
    RELEASED = "released", "已发布"


class ExemptionKind(LabelledEnum):
    EXEMPT = "exempt", "不适用"
    EXTENSION = "extension", "延期"
