"""The review queue: latest versions with no released decision, the longest-waiting first."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from typing import Any

from backend.db import fastread
from backend.db.fastread import as_utc
from backend.db.tables import Review
from backend.domain.shared.sorting import Sort, SortKey, sort_rows
from backend.lib.timeutil import deadline_of, local_date, today
from backend.rules.vocabulary import ReviewState

_SQL = """
SELECT v.id, v.submission, v.version_no, v.submitted_at,
       e.id, e.name, e.short_name, e.credit_code,
       o.id, o.code, o.title, o.due_year, o.due_on,
       (SELECT MAX(x.extended_to) FROM exemption x
        WHERE x.enterprise = s.enterprise AND x.obligation = s.obligation
          AND x.kind = 'extension' AND x.revoked_at IS NULL)
FROM submission_version v
JOIN submission s ON s.id = v.submission AND s.latest_version = v.version_no
JOIN enterprise e ON e.id = s.enterprise
JOIN obligation o ON o.id = s.obligation
WHERE NOT EXISTS (
    SELECT 1 FROM review r WHERE r.version = v.id AND r.state = 'released'
)
AND NOT EXISTS (
    SELECT 1 FROM exemption x
    WHERE x.enterprise = s.enterprise AND x.obligation = s.obligation
      AND x.kind = 'exempt' AND x.revoked_at IS NULL
)
"""


def _fold(text: str) -> str:
    # Full-width letters, digits and brackets as people type them: （示例） and (示例) are one.
    return unicodedata.normalize("NFKC", text).upper()


def _date(value: Any) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


# The queue's sortable columns (URL key → row value); the default is the longest-waiting first.
SORT_KEYS: dict[str, SortKey] = {
    "enterprise": lambda r: r["enterprise_name"],
    "obligation": lambda r: (r["obligation_code"], r["year"]),
    "version": lambda r: r["version_no"],
    "submitted": lambda r: r["submitted_at"],
    "late": lambda r: r["days_late"],
}
DEFAULT_SORT = "submitted"


async def review_queue(
    *,
    obligation_code: str = "",
    enterprise_q: str = "",
    min_days_waiting: int = 0,
    page: int = 1,
    page_size: int = 50,
    sort: Sort | None = None,
) -> dict[str, Any]:
    """One page of the queue and its total. `enterprise_q` matches every word against the name,
    short name or credit code; days waiting and days late are calendar days in Shanghai (a
    version is late when it came after the deadline, an extension's if one was granted)."""
    sql, args = _SQL, list[object]()
    if obligation_code.strip():
        sql += " AND o.code = {}"
        args.append(obligation_code.strip())
    day = today()
    if min_days_waiting > 0:
        sql += " AND v.submitted_at <= {}"
        args.append(deadline_of(day - dt.timedelta(days=min_days_waiting)))
    sql += " ORDER BY v.submitted_at, v.id"
    words = _fold(enterprise_q).split()
    rows = []
    for (
        vid,
        sid,
        number,
        submitted,
        eid,
        name,
        short,
        code,
        oid,
        ocode,
        title,
        year,
        due,
        extended,
    ) in await fastread.fetch_tuples(sql, *args):
        haystack = _fold(f"{name} {short or ''} {code or ''}")
        if not all(w in haystack for w in words):
            continue
        submitted_at = as_utc(submitted)
        assert submitted_at is not None
        deadline = _date(extended) if extended else _date(due)
        rows.append(
            {
                "version_id": vid,
                "submission_id": sid,
                "version_no": number,
                "submitted_at": submitted_at,
                "days_waiting": max(0, (day - local_date(submitted_at)).days),
                "enterprise_id": eid,
                "enterprise_name": name,
                "obligation_id": oid,
                "obligation_code": ocode,
                "obligation_title": title,
                "year": year,
                "due_on": _date(due),
                "deadline": deadline,
                "days_late": max(0, (local_date(submitted_at) - deadline).days) if deadline else 0,
            }
        )
    if sort is not None and sort.key in SORT_KEYS:
        rows = sort_rows(rows, sort, SORT_KEYS)
    page_size = min(max(page_size, 1), 500)
    pages = max(1, math.ceil(len(rows) / page_size))
    page = min(max(page, 1), pages)
    shown = rows[(page - 1) * page_size : page * page_size]
    await _attach_drafts(shown)
    return {
        "has_drafts": any(r["has_draft"] for r in shown),
        "rows": shown,
        "total": len(rows),
        "page": page,
        "pages": pages,
        "page_size": page_size,
        "offset": (page - 1) * page_size,
    }


async def _attach_drafts(rows: list[dict[str, Any]]) -> None:
    """Each row gets its most recent draft (any reviewer), if one exists."""
    drafts = (
        await Review.select(
            Review.id,
            Review.version,
            Review.decision,
            Review.grade,
            Review.reviewer.display_name.as_alias("reviewer_name"),
            Review.reviewer.username.as_alias("reviewer_username"),
        )
        .where(
            Review.version.is_in([r["version_id"] for r in rows] or [0]),
            Review.state == ReviewState.DRAFT,
        )
        .order_by(Review.id)
    )
    latest = {d["version"]: d for d in drafts}
    for row in rows:
        draft = latest.get(row["version_id"])
        row["has_draft"] = draft is not None
        row["draft"] = draft
