"""Fetch the facts the cell rules need for a set of obligations, as of an instant.

A fixed number of queries whatever the number of enterprises: versions, released reviews and
exemptions, each grouped in memory by (enterprise id, obligation id)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from backend.db.tables import Exemption, Review, SubmissionVersion
from backend.rules.cell_status import ExemptionFact, ReviewFact, VersionFact

CellKey = tuple[int, int]


@dataclass
class Facts:
    versions: dict[CellKey, list[VersionFact]] = field(default_factory=lambda: defaultdict(list))
    reviews: dict[CellKey, list[ReviewFact]] = field(default_factory=lambda: defaultdict(list))
    exemptions: dict[CellKey, list[ExemptionFact]] = field(
        default_factory=lambda: defaultdict(list)
    )


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


async def load_facts(
    obligation_ids: list[int], as_of: dt.datetime, enterprise_ids: list[int] | None = None
) -> Facts:
    facts = Facts()
    if not obligation_ids:
        return facts
    sv = SubmissionVersion
    query = sv.select(
        sv.submission.enterprise.as_alias("e"),
        sv.submission.obligation.as_alias("o"),
        sv.version_no,
        sv.submitted_at,
    ).where(sv.submission.obligation.is_in(obligation_ids), sv.submitted_at <= as_of)
    if enterprise_ids is not None:
        query = query.where(sv.submission.enterprise.is_in(enterprise_ids or [0]))
    for r in await query:
        facts.versions[(r["e"], r["o"])].append(
            VersionFact(r["version_no"], _aware(r["submitted_at"]))
        )

    rv = Review
    query = rv.select(
        rv.version.submission.enterprise.as_alias("e"),
        rv.version.submission.obligation.as_alias("o"),
        rv.version.version_no.as_alias("n"),
        rv.decision,
        rv.released_at,
    ).where(
        rv.version.submission.obligation.is_in(obligation_ids),
        rv.state == "released",
        rv.released_at <= as_of,
    )
    if enterprise_ids is not None:
        query = query.where(rv.version.submission.enterprise.is_in(enterprise_ids or [0]))
    for r in await query:
        facts.reviews[(r["e"], r["o"])].append(
            ReviewFact(r["n"], r["decision"], _aware(r["released_at"]))
        )

    ex = Exemption
    query = ex.select(
        ex.enterprise, ex.obligation, ex.kind, ex.granted_at, ex.revoked_at, ex.extended_to
    ).where(ex.obligation.is_in(obligation_ids), ex.granted_at <= as_of)
    if enterprise_ids is not None:
        query = query.where(ex.enterprise.is_in(enterprise_ids or [0]))
    for r in await query:
        facts.exemptions[(r["enterprise"], r["obligation"])].append(
            ExemptionFact(
                r["kind"], _aware(r["granted_at"]), _aware(r["revoked_at"]), r["extended_to"]
            )
        )
    return facts
