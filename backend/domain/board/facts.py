"""Fetch the facts the cell rules need for a set of obligations, as of an instant.

Four single-table reads whatever the number of enterprises, joined here in memory: submissions
of the obligations, versions and released reviews up to the instant, and exemptions granted by
then. Each cell keeps only what the rules look at: its first and latest version, and the
reviews of versions that existed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from backend.db import fastread
from backend.db.fastread import as_utc
from backend.rules.cell_status import ExemptionFact, ReviewFact, VersionFact

CellKey = tuple[int, int]


@dataclass
class Facts:
    versions: dict[CellKey, list[VersionFact]] = field(default_factory=dict)
    reviews: dict[CellKey, list[ReviewFact]] = field(default_factory=dict)
    exemptions: dict[CellKey, list[ExemptionFact]] = field(default_factory=dict)


def _ids(values: list[int]) -> str:
    # Integers from our own queries, inlined: a statement needs no parameter per id.
    return ", ".join(str(int(v)) for v in values) or "0"


async def load_facts(
    obligation_ids: list[int], as_of: dt.datetime, enterprise_ids: list[int] | None = None
) -> Facts:
    facts = Facts()
    if not obligation_ids:
        return facts
    only = f" AND enterprise IN ({_ids(enterprise_ids)})" if enterprise_ids is not None else ""
    obligations = _ids(obligation_ids)
    cell_of = {
        sid: (e, o)
        for sid, e, o in await fastread.fetch_tuples(
            f"SELECT id, enterprise, obligation FROM submission "
            f"WHERE obligation IN ({obligations}){only}"
        )
    }
    version_key: dict[int, tuple[CellKey, int]] = {}
    firsts: dict[CellKey, VersionFact] = {}
    latests: dict[CellKey, VersionFact] = {}
    for vid, sid, number, submitted_at in await fastread.fetch_tuples(
        "SELECT id, submission, version_no, submitted_at FROM submission_version "
        "WHERE submitted_at <= {}",
        as_of,
    ):
        key = cell_of.get(sid)
        if key is None:
            continue
        version_key[vid] = (key, number)
        fact = VersionFact(number, as_utc(submitted_at))  # type: ignore[arg-type]
        if key not in firsts or fact.submitted_at < firsts[key].submitted_at:
            firsts[key] = fact
        if key not in latests or number > latests[key].version_no:
            latests[key] = fact
    for key, latest in latests.items():
        first = firsts[key]
        facts.versions[key] = [latest] if first is latest else [first, latest]

    for vid, decision, released_at in await fastread.fetch_tuples(
        "SELECT version, decision, released_at FROM review "
        "WHERE state = 'released' AND released_at <= {}",
        as_of,
    ):
        found = version_key.get(vid)
        if found is not None:
            key, number = found
            review = ReviewFact(number, decision, as_utc(released_at))  # type: ignore[arg-type]
            facts.reviews.setdefault(key, []).append(review)

    for e, o, kind, granted_at, revoked_at, extended_to in await fastread.fetch_tuples(
        f"SELECT enterprise, obligation, kind, granted_at, revoked_at, extended_to "
        f"FROM exemption WHERE obligation IN ({obligations}){only} AND granted_at <= {{}}",
        as_of,
    ):
        exemption = ExemptionFact(
            kind,
            as_utc(granted_at),  # type: ignore[arg-type]
            as_utc(revoked_at),
            dt.date.fromisoformat(extended_to) if isinstance(extended_to, str) else extended_to,
        )
        facts.exemptions.setdefault((e, o), []).append(exemption)
    return facts
