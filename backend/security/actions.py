"""The audit trail's event types (defined in `backend.rules.audit_actions`, below the tables)."""

from __future__ import annotations

from backend.rules.audit_actions import AuditAction as AuditAction
from backend.rules.audit_actions import AuditEntity as AuditEntity
