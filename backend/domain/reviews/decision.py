"""A review decision checked before it touches the database (Chinese messages, HTTP 400)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from backend.domain.errors import Invalid
from backend.lib.timeutil import today
from backend.rules.vocabulary import Decision as Verdict
from backend.rules.vocabulary import Grade, ReturnReason
from backend.rules.workdays import add_workdays

RESUBMIT_WORKDAYS = 5
MAX_COMMENT = 2000


@dataclass(frozen=True)
class Decision:
    decision: str
    grade: str
    reasons: list[str]
    comment: str
    resubmit_by: dt.date | None


def default_resubmit_by() -> dt.date:
    return add_workdays(today(), RESUBMIT_WORKDAYS)


def validate(
    decision: str,
    grade: str | None,
    reasons: Iterable[str],
    comment: str | None,
    resubmit_by: dt.date | None,
) -> Decision:
    """Check a decision before touching the database; raises with a Chinese message (400)."""
    decision = (decision or "").strip()
    if decision not in Verdict.labels():
        raise Invalid(f"请选择审核结论：{'、'.join(Verdict.labels().values())}。")
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT:
        raise Invalid(f"审核意见不能超过 {MAX_COMMENT} 字。")
    if decision == Verdict.APPROVE:
        if (grade or "").strip() not in Grade.labels():
            raise Invalid(f"审核通过须选择评级：{'、'.join(Grade.labels().values())}。")
        return Decision(decision, (grade or "").strip(), [], text, None)
    codes = list(dict.fromkeys(c.strip() for c in reasons if c and c.strip()))
    unknown = [c for c in codes if c not in ReturnReason.labels()]
    if unknown:  # only a hand-made request gets here: the API schema lists the codes
        allowed = "、".join(r.label for r in ReturnReason)
        raise Invalid(
            f"退回原因无效（{len(unknown)} 项不可识别）：请从{allowed}中选择（取值见 API 说明）。"
        )
    if decision == Verdict.RETURN and not codes:
        raise Invalid("退回修改须至少选择一项退回原因。")
    if ReturnReason.OTHER in codes and not text:
        raise Invalid("退回原因选择了“其他”，请在审核意见中写明具体原因。")
    if decision == Verdict.REOPEN and not text:
        raise Invalid("重新打开须填写原因，企业将看到该说明。")
    if resubmit_by is None:
        resubmit_by = default_resubmit_by()
    elif resubmit_by <= today():
        raise Invalid("重新报送期限应晚于今天。")
    return Decision(decision, "", codes, text, resubmit_by)
