"""Moved to `backend.domain.shared.enterprises` (the enterprise directory sits below every area,
so that areas can use each other without import cycles). This alias keeps branches written
before the move importing; new code imports from `backend.domain.shared.enterprises`."""

from backend.domain.shared.enterprises import (
    ENTERPRISE_COLUMNS,
    EnterpriseOut,
    EnterpriseRow,
    get_enterprise,
    matches_query,
    visible_enterprises,
)

__all__ = [
    "ENTERPRISE_COLUMNS",
    "EnterpriseOut",
    "EnterpriseRow",
    "get_enterprise",
    "matches_query",
    "visible_enterprises",
]
