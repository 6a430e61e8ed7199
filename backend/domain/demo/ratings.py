"""Demo effectiveness ratings (有效性评价) and 整改台账, so the demo's score pages tell a full
story. Since the 整改台账, the ratings come from each year's demo 督促检查 (demo/findings.py);
hand ratings are overrides that need a reason, so the demo makes none."""

from __future__ import annotations

import datetime as dt

from backend.domain.demo.findings import load_demo_findings
from backend.lib.timeutil import today as shanghai_today


async def rate_demo_groups(
    years: list[int], *, seed: int = 120, today: dt.date | None = None
) -> int:
    day = today or shanghai_today()
    return await load_demo_findings(years, seed=seed, today=day)


async def lock_first_demo_year(years: list[int], *, today: dt.date | None = None) -> int | None:
    """SASAC locked (published) the first year's scores at the end of the next first quarter,
    so enterprise accounts find their locked score and grade on the 工作台. Later years stay
    live, to show the ranking as it moves."""
    from backend.domain.scores.changes import lock_year
    from backend.security.audit import SYSTEM

    day = today or shanghai_today()
    if not years:
        return None
    first = min(years)
    as_of = dt.date(first + 1, 3, 31)
    if as_of >= day:
        return None
    await lock_year(first, as_of, SYSTEM)
    return first
