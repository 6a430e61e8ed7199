"""Server-side sessions, API tokens, password history and small key/value settings."""

from piccolo.columns import Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from backend.db.tables.accounts import Account
from backend.db.tables.base import Table


class WebSession(Table, tablename="web_session"):
    """A browser session. Only the SHA-256 of the cookie's id is stored, so a copy of the
    database does not hand out live sessions."""

    id_hash = Varchar(length=64, unique=True)
    account = ForeignKey(references=Account, on_delete=OnDelete.restrict, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(default=TimestamptzNow())
    ip = Varchar(length=45, default="")
    user_agent = Varchar(length=255, default="")
    # Signed in with the password but not yet with the second factor: only the MFA pages.
    mfa_pending = Boolean(default=False)


class ApiToken(Table, tablename="api_token"):
    account = ForeignKey(references=Account, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=60, default="")
    token_hash = Varchar(length=64, unique=True)
    prefix = Varchar(length=12, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class PasswordHistory(Table, tablename="password_history"):
    account = ForeignKey(references=Account, on_delete=OnDelete.restrict, index=True)
    password_hash = Varchar(length=255)
    created_at = Timestamptz(default=TimestamptzNow())


class AppSetting(Table, tablename="app_setting"):
    """Small facts about this installation, e.g. that it holds demo data."""

    setting_key = Varchar(length=60, unique=True)
    setting_value = Text(default="")


class MfaFactor(Table, tablename="mfa_factor"):
    """A TOTP second factor. The shared secret is encrypted (AES-GCM, key derived from
    HEGUI_MFA_KEY or SECRET_KEY, see backend/security/totp.py); `enrolled_at` is null until
    the user confirms a first code. `last_step` makes every code single-use."""

    account = ForeignKey(references=Account, on_delete=OnDelete.restrict, unique=True)
    secret = Text(default="")
    enrolled_at = Timestamptz(null=True, default=None)
    last_step = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())


class MfaRecoveryCode(Table, tablename="mfa_recovery_code"):
    """Ten single-use codes per enrolment, shown once; only their SHA-256 is kept."""

    account = ForeignKey(references=Account, on_delete=OnDelete.restrict, index=True)
    code_hash = Varchar(length=64)
    used_at = Timestamptz(null=True, default=None)
