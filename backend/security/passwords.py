"""Passwords: argon2id hashing off the event loop, and the 等保 level-3 policy.

等保 (GB/T 22239-2019 身份鉴别 a) asks for complexity and periodic change; ASVS 5.0 (6.2.5,
6.2.10) advises against both. In China 等保 is the legal requirement, so its rules are the
default and every value is configurable (see docs/security.md for the recorded deviation)."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from backend.security.weak_passwords import weakness

# OWASP's minimum for argon2id: m = 19 MiB, t = 2, p = 1 (about 40 ms on this hardware).
_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# Verified for unknown usernames so that they take as long as wrong passwords.
_DUMMY_HASH = _HASHER.hash("hegui-dummy-password-for-timing")
MAX_LENGTH = 128
# The project's own additions to the common-password list (see weak_passwords.py for the rest).
COMMON = frozenset(
    {
        "password", "password1", "password123", "12345678", "123456789", "1234567890",
        "qwertyuiop", "qwerty123", "abc12345", "abcd1234", "a1234567", "11111111",
        "88888888", "66666666", "1qaz2wsx", "1q2w3e4r", "zaq12wsx", "admin123", "admin@123",
        "p@ssw0rd", "passw0rd", "welcome1", "iloveyou", "woaini1314", "5201314520",
        "abc123456", "qq123456", "aa123456", "sasac123", "sasac@123", "hegui123",
    }
)  # fmt: skip


@dataclass(frozen=True)
class PasswordPolicy:
    min_length: int = 8
    min_classes: int = 3

    def problems(self, password: str, *, username: str = "") -> list[str]:
        """Everything wrong with a proposed password, in Chinese; empty when acceptable."""
        found: list[str] = []
        if len(password) < self.min_length:
            found.append(f"密码长度至少 {self.min_length} 位")
        if len(password) > MAX_LENGTH:
            found.append(f"密码长度不能超过 {MAX_LENGTH} 位")
        if character_classes(password) < self.min_classes:
            found.append(f"须包含大写字母、小写字母、数字、特殊字符中的至少 {self.min_classes} 类")
        lowered = password.lower()
        if lowered in COMMON:
            found.append("该密码过于常见，容易被猜中")
        elif weak := weakness(password):
            found.append(weak)
        if username and len(username) >= 3 and username.lower() in lowered:
            found.append("密码不能包含用户名")
        return found


def character_classes(password: str) -> int:
    classes = [
        any(c.isupper() for c in password),
        any(c.islower() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(classes)


def generate_password(length: int = 14) -> str:
    """A random initial password that satisfies the default policy (all four classes)."""
    alphabet = string.ascii_letters + string.digits + "!@#$%^&*-_=+"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if character_classes(candidate) == 4:
            return candidate


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_HASHER.hash, password)


def _verify(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored or _DUMMY_HASH, password) and bool(stored)
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(stored: str | None, password: str) -> bool:
    """Constant work whether or not the account exists (a dummy hash stands in)."""
    return await anyio.to_thread.run_sync(_verify, stored or "", password)


def needs_rehash(stored: str) -> bool:
    try:
        return _HASHER.check_needs_rehash(stored)
    except InvalidHashError:
        return True
