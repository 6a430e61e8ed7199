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
