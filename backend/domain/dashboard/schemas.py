"""The 工作台's JSON (GET /api/v1/dashboard/...) as typed structs: the OpenAPI schema shows each
field, and `backend/static/dashboard.js` draws the charts and their tables from them. Every
number a user can click carries the link to the board or list behind it (`link`)."""

from __future__ import annotations

import msgspec


class StatusOut(msgspec.Struct, kw_only=True):
    code: str  # a cell status code (rules/cell_status.Status)
    label: str


class CountOut(msgspec.Struct, kw_only=True):
    status: str  # a cell status code
    count: int
    link: str  # the board filtered to what is counted


class BreakdownOut(msgspec.Struct, kw_only=True):
    """One bar of a stacked chart: a year, a phase or a cohort."""

    key: str
    label: str
    owed: int  # deliverables owed (不适用 not counted)
    on_time_rate: float | None  # among those past their deadline, share first delivered on time
    counts: list[CountOut]  # one per status in OverviewOut.statuses, in that order
    link: str


class PointOut(msgspec.Struct, kw_only=True):
    month: str  # YYYY-MM
    as_of: str  # YYYY-MM-DD: the month's last day, or the as-of date for the current month
    owed: int  # deliverables past their deadline then
    on_time: int  # of those, first delivered by the deadline
    rate: float | None  # on_time / owed, None while nothing was due
    link: str


class OverdueOut(msgspec.Struct, kw_only=True):
    enterprise_id: int
    name: str
    cohort: str  # UPG7 | T1
    cohort_label: str
    items: int  # deliverables 逾期未报
    days_late: int  # calendar days, the most late of them
    link: str


class GradeOut(msgspec.Struct, kw_only=True):
    grade: str  # 优秀 / 良好 / 合格 / 不合格
    count: int
    link: str


class GradesOut(msgspec.Struct, kw_only=True):
    year: int | None
    locked: bool  # the year's scores are locked (published) by SASAC
    counts: list[GradeOut]
    link: str


class OverviewOut(msgspec.Struct, kw_only=True):
    as_of: str  # YYYY-MM-DD
    programme_id: int | None
    programme_title: str
    enterprises: int  # groups that report (提级管理 + 市属一级)
    board_link: str
    statuses: list[StatusOut]  # the five the charts show, in order
    by_year: list[BreakdownOut]
    by_phase: list[BreakdownOut]
    cohorts: list[BreakdownOut]  # 提级管理 beside 市属一级
    on_time: list[PointOut]  # monthly, from the first due month to the as-of date
    top_overdue: list[OverdueOut]  # the ten most overdue enterprises
    grades: GradesOut


class QueueItemOut(msgspec.Struct, kw_only=True):
    submission_id: int
    enterprise_name: str
    obligation_code: str
    obligation_title: str
    year: int | None
    version_no: int
    submitted_at: str  # ISO 8601 with offset
    days_waiting: int  # calendar days in Shanghai
    has_draft: bool
    resubmission: bool  # a new version after a return
    link: str  # the review page


class AgeBucketOut(msgspec.Struct, kw_only=True):
    label: str
    count: int
    link: str


class ReviewDeskOut(msgspec.Struct, kw_only=True):
    as_of: str  # YYYY-MM-DD (today: the queue is live)
    waiting: int  # latest versions with no released decision
    oldest_days: int | None  # days the oldest has waited
    overdue: int  # waiting at least `review_days` calendar days
    review_days: int
    drafts: int  # waiting versions with an unreleased draft decision
    resubmissions: int  # waiting versions sent again after a return
    queue_link: str
    overdue_link: str
    ages: list[AgeBucketOut]  # the waiting versions by days waited
    oldest: list[QueueItemOut]  # the ten longest waiting
    draft_items: list[QueueItemOut]  # up to ten with a draft to release
    resubmission_items: list[QueueItemOut]  # up to ten resubmissions


class DueItemOut(msgspec.Struct, kw_only=True):
    obligation_id: int
    code: str
    title: str
    year: int | None
    due_on: str  # YYYY-MM-DD: the deadline, or the resubmission deadline when returned
    days_left: int  # calendar days from the as-of date
    status: str
    status_label: str
    link: str


class ReturnedOut(msgspec.Struct, kw_only=True):
    obligation_id: int
    code: str
    title: str
    year: int | None
    version_no: int
    reasons: list[str]  # Chinese labels
    comment: str
    resubmit_by: str | None  # YYYY-MM-DD
    link: str


class LockedScoreOut(msgspec.Struct, kw_only=True):
    year: int
    total: float
    grade: str
    locked_at: str  # ISO 8601 with offset


class EnterpriseDeskOut(msgspec.Struct, kw_only=True):
    as_of: str  # YYYY-MM-DD
    enterprise_id: int
    enterprise_name: str
    horizon_days: int
    statuses: list[StatusOut]
    counts: list[CountOut]  # the group's own deliverables by status
    due: list[DueItemOut]  # due within `horizon_days`, by date
    overdue: int
    returned: list[ReturnedOut]
    score: LockedScoreOut | None  # the latest year SASAC locked, once it has
    workspace_link: str
