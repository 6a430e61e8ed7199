"""POST /api/v1/submissions/{id}/review: a reviewer's decision through the API.

It lives with the reviews (not in `submissions/api.py`) so that submissions never import reviews:
reviews build on submissions, not the other way round."""

from __future__ import annotations

from dataclasses import dataclass

import msgspec
from litestar import Controller, Request, post
from litestar.params import FromPath, JSONBody

from backend.domain.accounts.controllers import actor_for
from backend.domain.errors import Invalid, NotFound
from backend.domain.reviews.service import decide
from backend.domain.submissions.reads import submission_detail as load_detail
from backend.domain.submissions.schemas import SubmissionOut
from backend.lib.timeutil import parse_date
from backend.security.policy import Access


@dataclass
class ReviewBody:
    """审核结论: approve with a grade, or return with reasons (and optionally a deadline)."""

    decision: str = ""
    grade: str | None = None
    reasons: list[str] | None = None
    comment: str | None = None
    resubmit_by: str | None = None


class ReviewApiController(Controller):
    path = "/api/v1/submissions"
    tags = ["submissions"]

    @post(
        "/{submission_id:int}/review",
        operation_id="ReviewSubmission",
        summary="审核报送（发布结论）",
        opt={"access": Access.REVIEW},
        status_code=200,
    )
    async def review(
        self, request: Request, submission_id: FromPath[int], data: JSONBody[ReviewBody]
    ) -> SubmissionOut:
        """JSON: decision "approve" (with grade "excellent" | "good" | "pass") or "return" (with
        reasons: material_incomplete, content_nonconforming, file_unreadable, not_sealed, other —
        "other" needs a comment), comment, resubmit_by "YYYY-MM-DD" (default: 5 working days).
        Decides the latest version and releases at once; returns the submission detail."""
        if data.decision not in ("approve", "return"):
            # Chinese only, like every message; the codes are in the API's schema and docs.
            raise Invalid("审核结论无效：接口只接受“通过”或“退回修改”（取值见 API 说明）。")
        try:
            resubmit_by = parse_date(data.resubmit_by)
        except ValueError as exc:
            raise Invalid(f"重新报送期限：{exc}。") from None
        await decide(
            submission_id,
            decision=data.decision,
            grade=data.grade,
            reasons=data.reasons or [],
            comment=data.comment,
            resubmit_by=resubmit_by,
            actor=actor_for(request),
            release=True,
        )
        found = await load_detail(submission_id, None)
        if found is None:
            raise NotFound("未找到该报送。")
        return msgspec.convert(found, SubmissionOut)
