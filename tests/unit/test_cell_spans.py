"""`cell_spans` agrees with `cell_status` at every instant: inside each span, at its edges, and
before and after every fact (the SQL that reads the spans is checked in the property test)."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from backend.rules.cell_spans import BEGINNING, END, NOSUB, cell_spans
from backend.rules.cell_status import ExemptionFact, ReviewFact, Status, VersionFact, cell_status

DUE = dt.date(2024, 6, 28)
BASE = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
moments = st.integers(0, 60 * 24).map(lambda m: BASE + dt.timedelta(minutes=m * 60))


@st.composite
def histories(draw: st.DrawFn) -> tuple[list, list, list]:
    times = draw(st.lists(moments, max_size=3))
    versions = [VersionFact(i + 1, t) for i, t in enumerate(times)]
    decisions = st.sampled_from(["approve", "return", "reopen"])
    reviews = [
        ReviewFact(draw(st.integers(1, len(versions))), draw(decisions), draw(moments))
        for _ in range(draw(st.integers(0, 3) if versions else st.just(0)))
    ]
    exemptions = []
    for _ in range(draw(st.integers(0, 2))):
        granted = draw(moments)
        revoked = draw(st.none() | moments.filter(lambda t, g=granted: t > g))
        kind = draw(st.sampled_from(["exempt", "extension"]))
        to = DUE + dt.timedelta(days=draw(st.integers(1, 30))) if kind == "extension" else None
        exemptions.append(ExemptionFact(kind, granted, revoked, to))
    return versions, reviews, exemptions


@settings(max_examples=200, deadline=None)
@given(histories(), st.lists(moments, min_size=1, max_size=5))
def test_the_span_holding_an_instant_has_its_status(history: tuple, instants: list) -> None:
    versions, reviews, exemptions = history
    spans = cell_spans(DUE, versions, reviews, exemptions)
    assert spans[0].valid_from == BEGINNING and spans[-1].valid_to == END
    assert all(a.valid_to == b.valid_from for a, b in itertools.pairwise(spans))
    assert all(a[2:] != b[2:] for a, b in itertools.pairwise(spans))  # merged
    edges = [s.valid_from for s in spans[1:]]
    probes = instants + edges + [e - dt.timedelta(microseconds=1) for e in edges]
    for instant in probes:
        span = next(s for s in spans if s.valid_from <= instant < s.valid_to)
        expected = cell_status(DUE, instant, versions, reviews, exemptions)
        assert span.due_on == expected.due_on
        if span.state == NOSUB:
            assert expected.status in {Status.NOT_DUE, Status.DUE_SOON, Status.OVERDUE}
        else:
            assert span.state == expected.status.value
            assert (span.first_at, span.latest_no) == (expected.submitted_at, expected.version_no)
