"""The second factor (等保 level 3, 身份鉴别 d): TOTP for SASAC roles and the auditor when
REQUIRE_MFA is on. A wrong code takes a lockout slot like a wrong password (lockout.py), so the
password and the codes share one limit. API tokens are unaffected (a token is its own factor,
issued only from a fully signed-in session).

三员分立: the system administrator may reset the factor of any account but the auditor's; the
auditor's is reset only from the shell (`hegui users mfa-reset`), audited, so the administrator
cannot reset the auditor's password-and-factor and take the account over."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from backend.db.tables import Account, MfaFactor, MfaRecoveryCode
from backend.db.transactions import write_transaction
from backend.domain.accounts import lockout
from backend.domain.accounts.tokens import revoke_all_tokens
from backend.domain.errors import Invalid, NotFound
from backend.security import totp
from backend.security.audit import Actor, AuditAction, record
from backend.security.policy import SASAC_ROLES, Role
from backend.security.sessions import end_all_sessions
from backend.settings import get_settings

WRONG_CODE = "动态口令或恢复码不正确，请重试。"
MFA_ROLES = SASAC_ROLES | {Role.AUDITOR}


def mfa_required(role: str) -> bool:
    return get_settings().require_mfa and role in MFA_ROLES


@dataclass(frozen=True)
class Enrolment:
    secret: str
    qr_svg: str


async def is_enrolled(account_id: int) -> bool:
    return await MfaFactor.exists().where(
        MfaFactor.account == account_id, MfaFactor.enrolled_at.is_not_null()
    )


async def start_enrolment(account_id: int, username: str) -> Enrolment:
    """The secret to enrol: the same one while unconfirmed (a reload shows the same code)."""
    row = await MfaFactor.select().where(MfaFactor.account == account_id).first()
    secret = totp.decrypt(row["secret"]) if row and row["enrolled_at"] is None else None
    if secret is None:
        secret = totp.new_secret()
        async with write_transaction():
            await MfaFactor.delete().where(
                MfaFactor.account == account_id, MfaFactor.enrolled_at.is_null()
            )
            await MfaFactor.insert(MfaFactor(account=account_id, secret=totp.encrypt(secret)))
    return Enrolment(secret, totp.qr_svg(totp.provisioning_uri(secret, username)))


async def _check(actor: Actor, account_id: int, code: str, *, enrolling: bool) -> str:
    """Reserve a lockout slot, then check the code; returns "totp" or "recovery"."""
    attempt = await lockout.reserve(account_id)
    if attempt is None:
        await record(AuditAction.LOGIN_FAILED, actor, changes={"reason": "locked", "step": "mfa"})
        raise Invalid(await lockout.locked_message(account_id))
    row = await MfaFactor.select().where(MfaFactor.account == account_id).first()
    if row is not None and (row["enrolled_at"] is None) == enrolling:
        secret = totp.decrypt(row["secret"])
        step = totp.matching_step(secret, code, row["last_step"]) if secret else None
        if step is not None:
            used = (
                await MfaFactor.update({MfaFactor.last_step: step})
                .where(MfaFactor.id == row["id"], MfaFactor.last_step < step)
                .returning(MfaFactor.id)
            )
            if used:  # a parallel request did not spend the same code first
                return "totp"
        if not enrolling and await _use_recovery(account_id, code):
            return "recovery"
    await _failed(actor, attempt)
    raise Invalid(WRONG_CODE)


async def _use_recovery(account_id: int, code: str) -> bool:
    if len(totp.normalise_recovery(code)) != 12:
        return False
    used = (
        await MfaRecoveryCode.update({MfaRecoveryCode.used_at: dt.datetime.now(dt.UTC)})
        .where(
            MfaRecoveryCode.account == account_id,
            MfaRecoveryCode.code_hash == totp.hash_recovery(code),
            MfaRecoveryCode.used_at.is_null(),
        )
        .returning(MfaRecoveryCode.id)
    )
    return bool(used)


async def _failed(actor: Actor, attempt: lockout.Attempt) -> None:
    async with write_transaction():
        if attempt.locks:
            # A lockout counts against an existing account: the actor carries its id.
            account_id = actor.id if actor.id is not None else ""
            await record(AuditAction.LOCKOUT, actor, entity="account", entity_id=account_id)
        await record(
            AuditAction.LOGIN_FAILED,
            actor,
            changes={"failed_logins": attempt.number, "reason": "wrong_mfa_code"},
        )


async def confirm_enrolment(actor: Actor, account_id: int, code: str) -> list[str]:
    """The first code proves the app holds the secret; returns ten recovery codes, once."""
    await _check(actor, account_id, code, enrolling=True)
    codes = totp.new_recovery_codes()
    async with write_transaction():
        await MfaFactor.update({MfaFactor.enrolled_at: dt.datetime.now(dt.UTC)}).where(
            MfaFactor.account == account_id
        )
        await MfaRecoveryCode.delete().where(MfaRecoveryCode.account == account_id)
        await MfaRecoveryCode.insert(
            *(MfaRecoveryCode(account=account_id, code_hash=totp.hash_recovery(c)) for c in codes)
        )
        await lockout.succeeded(account_id)
        await record(AuditAction.MFA_ENROL, actor, entity="account", entity_id=account_id)
    return codes


async def verify(actor: Actor, account_id: int, code: str) -> None:
    """A TOTP code or an unused recovery code; raises Invalid with the reason otherwise."""
    kind = await _check(actor, account_id, code, enrolling=False)
    async with write_transaction():
        await lockout.succeeded(account_id, {Account.last_login_at: dt.datetime.now(dt.UTC)})
        if kind == "recovery":
            left = await MfaRecoveryCode.count().where(
                MfaRecoveryCode.account == account_id, MfaRecoveryCode.used_at.is_null()
            )
            await record(
                AuditAction.MFA_RECOVERY_USED,
                actor,
                entity="account",
                entity_id=account_id,
                changes={"left": left},
            )
        await record(
            AuditAction.LOGIN, actor, entity="account", entity_id=account_id, changes={"mfa": kind}
        )


async def reset(actor: Actor, account_id: int) -> None:
    """The factor and its recovery codes go, every session ends: the user enrols again."""
    if not await Account.exists().where(Account.id == account_id):
        raise NotFound("未找到该用户。")
    async with write_transaction():
        await MfaRecoveryCode.delete().where(MfaRecoveryCode.account == account_id)
        await MfaFactor.delete().where(MfaFactor.account == account_id)
        await end_all_sessions(account_id)
        revoked = await revoke_all_tokens(account_id)
        await record(
            AuditAction.MFA_RESET,
            actor,
            entity="account",
            entity_id=account_id,
            changes={"revoked_access": revoked} if revoked else None,
        )


async def recovery_codes_left(account_id: int) -> int:
    return await MfaRecoveryCode.count().where(
        MfaRecoveryCode.account == account_id, MfaRecoveryCode.used_at.is_null()
    )
