"""Coded values that a user may read: a `StrEnum` whose members carry their Chinese label.

    class Grade(LabelledEnum):
        EXCELLENT = "excellent", "优"

`Grade.EXCELLENT == "excellent"` (the stored code) and `Grade.EXCELLENT.label == "优"` (what a
user reads). Pages, messages, sheets and the audit log take the label from here, never the code."""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabelledEnum(StrEnum):
    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Code → label, in declaration order (for a <select>, or a template lookup)."""
        return {member.value: member.label for member in cls}

    @classmethod
    def label_of(cls, code: str | None, default: str = "") -> str:
        """The label of a stored code; `default` (never the code itself) for an unknown one."""
        # Not cls(code): mypy reads that as a call of __new__ (value, label).
        member = next((m for m in cls if m.value == code), None)
        return member.label if member is not None else default
