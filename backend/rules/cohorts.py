"""Who an obligation applies to (DESIGN.md §2, "applies-to codes").

An enterprise falls in exactly one cohort: an upgraded-management enterprise (UPG7), another
top-level group (T1), or a subsidiary (SUB). No obligation makes a subsidiary report itself; for
GRP_SUBS duties the group's one deliverable covers it, so its row mirrors the group's cell."""

from __future__ import annotations

from backend.lib.labels import LabelledEnum


class Cohort(LabelledEnum):
    UPG7 = "UPG7", "提级管理企业"
    T1 = "T1", "市属一级企业"
    SUB = "SUB", "所属子企业"


class AppliesTo(LabelledEnum):
    ALL = "ALL", "各市属国有企业（集团层面）"
    T1 = "T1", "市属一级企业"
    UPG7 = "UPG7", "提级管理的7户企业"
    GRP_SUBS = "GRP_SUBS", "集团及所属子企业全级次（由集团报送）"


_REPORTS: dict[str, frozenset[Cohort]] = {
    AppliesTo.ALL: frozenset({Cohort.UPG7, Cohort.T1}),
    AppliesTo.T1: frozenset({Cohort.T1}),
    AppliesTo.UPG7: frozenset({Cohort.UPG7}),
    AppliesTo.GRP_SUBS: frozenset({Cohort.UPG7, Cohort.T1}),
}


def cohort_of(*, has_parent: bool, upgraded_mgmt: bool) -> Cohort:
    if upgraded_mgmt:
        return Cohort.UPG7
    return Cohort.SUB if has_parent else Cohort.T1


def reports(applies_to: str, cohort: Cohort) -> bool:
    """The enterprise itself owes a deliverable for this obligation."""
    return cohort in _REPORTS[applies_to]


def covered_by_group(applies_to: str, cohort: Cohort) -> bool:
    """A subsidiary whose group's deliverable covers it (全级次 duties)."""
    return cohort is Cohort.SUB and applies_to == AppliesTo.GRP_SUBS


def has_cell(applies_to: str, cohort: Cohort) -> bool:
    return reports(applies_to, cohort) or covered_by_group(applies_to, cohort)
