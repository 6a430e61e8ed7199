"""An account's e-mail address, where copies of its messages go: set by the account itself (我的
邮箱) or by the system administrator, validated, and audited."""

from __future__ import annotations

from backend.db.tables import Account
from backend.db.transactions import write_transaction
from backend.domain.accounts.service import AccountError
from backend.rules.messages import email_problem
from backend.security.audit import Actor, AuditAction, record


def clean_email(raw: str) -> str:
    """The address as stored (trimmed; the domain in lower case), or AccountError saying why not."""
    address = (raw or "").strip()
    if problem := email_problem(address):
        raise AccountError(problem)
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}" if address else ""


async def set_email(actor: Actor, account_id: int, raw: str) -> bool:
    """Store a new address (empty clears it); returns whether anything changed."""
    address = clean_email(raw)
    row = (
        await Account.select(Account.email, Account.enterprise)
        .where(Account.id == account_id)
        .first()
    )
    if row is None:
        raise AccountError("未找到该用户。")
    if row["email"] == address:
        return False
    async with write_transaction():
        await Account.update({Account.email: address}).where(Account.id == account_id)
        await record(
            AuditAction.EMAIL_CHANGE,
            actor,
            entity="account",
            entity_id=account_id,
            enterprise_id=row["enterprise"],
            changes={"email": {"from": row["email"], "to": address}},
        )
    return True
