"""The password policy (等保 defaults, configurable) and argon2id storage."""

from __future__ import annotations

import pytest

from backend.security.passwords import (
    PasswordPolicy,
    generate_password,
    hash_password,
    needs_rehash,
    verify_password,
)

POLICY = PasswordPolicy(min_length=8, min_classes=3)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Ab1!", "至少 8 位"),
        ("aaaaaaaaaaaa", "至少 3 类"),
        ("Password1", "过于常见"),
        ("zhang.wei-2026", "不能包含用户名"),
        ("A" * 129 + "b1", "不能超过 128 位"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password: str, problem: str) -> None:
    problems = POLICY.problems(password, username="zhang.wei")
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize(
    "password",
    [
        "Sasac-Review-2026",
        "correct horse Battery staple 42",
        "长期有效的口令Abc123",
        "x" * 90 + "A1",
    ],
)
def test_strong_passwords_pass(password: str) -> None:
    assert POLICY.problems(password, username="zhang.wei") == []


def test_policy_values_are_configurable() -> None:
    assert PasswordPolicy(min_length=12, min_classes=4).problems("Abcdef1!") != []
    assert PasswordPolicy(min_length=4, min_classes=1).problems("abcdxyz") == []


def test_generated_passwords_satisfy_the_strictest_policy() -> None:
    for _ in range(20):
        assert PasswordPolicy(min_length=14, min_classes=4).problems(generate_password()) == []


async def test_argon2id_with_owasp_parameters_and_unique_salts() -> None:
    first, second = await hash_password("Same-Password-1"), await hash_password("Same-Password-1")
    assert first.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert first != second
    assert await verify_password(first, "Same-Password-1")
    assert not await verify_password(first, "Same-Password-2")
    assert not await verify_password(None, "anything")  # unknown user: a dummy hash is checked
    assert not await verify_password(first, "Same-Password-1"[:10])  # no truncation
    assert not needs_rehash(first)
    assert needs_rehash("$argon2id$v=19$m=4096,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo")
