"""Where the checks show outside the lists' own page: beside the files of an A3 submission on
the review page, in the A3 cell's side panel, and as a gate on approving an A3 submission."""

from __future__ import annotations

from dataclasses import dataclass

from backend.domain.errors import Invalid
from backend.domain.lists import schemas as s
from backend.domain.lists.reads import latest_checks
from backend.rules.lists.checks import Result

LISTS_OBLIGATION = "A3"  # 三张清单建成并投入使用


@dataclass(frozen=True)
class ListsPanel:
    enterprise_id: int
    version: int | None  # None: no lists imported yet
    checks: list[s.CheckOut]
    worst: str  # pass | warn | fail, "" without lists

    @property
    def worst_label(self) -> str:
        return Result.label_of(self.worst, "未导入")

    @property
    def failing(self) -> bool:
        return self.worst == Result.FAIL


async def lists_panel(enterprise_id: int, code: str | None = LISTS_OBLIGATION) -> ListsPanel | None:
    """The enterprise's latest checks, or None when the obligation is not A3."""
    if code != LISTS_OBLIGATION:
        return None
    found = await latest_checks(enterprise_id)
    if found is None:
        return ListsPanel(enterprise_id, None, [], "")
    version, results = found
    return ListsPanel(enterprise_id, version["version_no"], results, version["worst"])


async def require_reason_to_approve(
    enterprise_id: int, code: str, decision: str, comment: str
) -> bool:
    """An A3 submission whose lists fail a check is approved only with a reason in the comment.
    Returns whether the approval overrides failing checks (for the audit record)."""
    if decision != "approve" or code != LISTS_OBLIGATION:
        return False
    panel = await lists_panel(enterprise_id, code)
    if panel is None or not panel.failing:
        return False
    if not comment.strip():
        failing = "、".join(c.name for c in panel.checks if c.result == Result.FAIL)
        raise Invalid(
            f"该企业三张清单（第 {panel.version} 版）自动检查有不通过项（{failing}），"
            "如仍审核通过，请在审核意见中写明理由。"
        )
    return True


async def require_lists_not_failing(enterprise_id: int, code: str) -> None:
    """An enterprise may submit A3 with warnings on its lists, not with a failing check."""
    panel = await lists_panel(enterprise_id, code)
    if panel is not None and panel.failing:
        failing = "、".join(c.name for c in panel.checks if c.result == Result.FAIL)
        raise Invalid(
            f"本企业三张清单（第 {panel.version} 版）自动检查有不通过项（{failing}），"
            "请在“三张清单”页面修正并导入新版本后再报送。"
        )
