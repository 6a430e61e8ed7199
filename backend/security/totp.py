"""TOTP (RFC 6238) second factor: secrets encrypted at rest, codes single-use, ±1 time step,
QR codes drawn as inline SVG on the server (no script, nothing external: the CSP holds).

The secret is encrypted with AES-256-GCM under a key derived from `HEGUI_MFA_KEY` (or, when
unset, `SECRET_KEY`), so a copy of the database alone does not yield working codes. Changing
that key makes every enrolment unreadable: users then enrol again (the admin resets them)."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import time

import pyotp
import segno
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from backend.settings import get_settings

ISSUER = "合规督导"
STEP = 30
PREFIX = "v1:"


def _key() -> bytes:
    settings = get_settings()
    material = settings.mfa_key or settings.secret_key
    return hashlib.sha256(b"hegui-mfa-secret|" + material.encode()).digest()


def encrypt(secret: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_key()).encrypt(nonce, secret.encode(), b"mfa")
    return PREFIX + base64.b64encode(nonce + sealed).decode()


def decrypt(stored: str) -> str | None:
    """None when the value cannot be read (another key): the factor must be reset."""
    if not stored.startswith(PREFIX):
        return None
    try:
        raw = base64.b64decode(stored[len(PREFIX) :])
        return AESGCM(_key()).decrypt(raw[:12], raw[12:], b"mfa").decode()
    except Exception:  # wrong key or damaged value: unreadable either way
        return None


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def current_step(now: float | None = None) -> int:
    return int((now if now is not None else time.time()) // STEP)


def matching_step(secret: str, code: str, after: int, now: float | None = None) -> int | None:
    """The time step whose code this is (now, one before or one after), if later than `after`,
    the last step already used: a code works once."""
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, interval=STEP)
    here = current_step(now)
    for step in (here - 1, here, here + 1):
        if step > after and secrets.compare_digest(totp.at(step * STEP), code):
            return step
    return None


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret, interval=STEP).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """An inline <svg> (no script, no external reference, no style attribute)."""
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff", omitsize=True)


def grouped(secret: str) -> str:
    """The secret for typing by hand: groups of four."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def new_recovery_codes(count: int = 10) -> list[str]:
    """Ten codes like `k3m9-q2x7-a8pd`: 60 bits each, from an alphabet without 0/o, 1/l."""
    alphabet = "23456789abcdefghijkmnpqrstuvwxyz"
    return [
        "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))
        for _ in range(count)
    ]


def normalise_recovery(code: str) -> str:
    return "".join(c for c in code.lower() if c.isalnum())


def hash_recovery(code: str) -> str:
    return hashlib.sha256(normalise_recovery(code).encode()).hexdigest()
