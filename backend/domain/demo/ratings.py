"""Demo effectiveness ratings (有效性评价), so the demo's score pages tell a full story:
SASAC rated each group for every year that has ended."""

from __future__ import annotations

import datetime as dt
import random

from backend.db.tables import EffectivenessRating, Enterprise
from backend.lib.timeutil import today as shanghai_today

DIMENSIONS = ("organisation", "rules", "mechanism", "effectiveness")
RATINGS = ("excellent", "good", "pass", "fail")
WEIGHTS = (25, 58, 14, 3)


async def rate_demo_groups(
    years: list[int], *, seed: int = 120, today: dt.date | None = None
) -> int:
    day = today or shanghai_today()
    rng = random.Random(seed)
    groups = (
        await Enterprise.select(Enterprise.id)
        .where(Enterprise.parent.is_null())
        .order_by(Enterprise.id)
    )
    rows = [
        EffectivenessRating(
            enterprise=g["id"],
            score_year=year,
            dimension=dimension,
            rating=rng.choices(RATINGS, WEIGHTS)[0],
            natural_key=f"{g['id']}:{year}:{dimension}",
        )
        for g in groups
        for year in years
        if year < day.year
        for dimension in DIMENSIONS
    ]
    for start in range(0, len(rows), 500):
        await EffectivenessRating.insert(*rows[start : start + 500])
    return len(rows)


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
