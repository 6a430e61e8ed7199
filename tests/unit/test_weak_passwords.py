"""The common-password list is a real one (tens of thousands, from the pinned zxcvbn package)
plus the Chinese habits: 姓名拼音+生日, Abc@123456, product name + year, keyboard walks."""

from __future__ import annotations

import pytest

from backend.security.passwords import PasswordPolicy
from backend.security.weak_passwords import common_passwords, weakness

POLICY = PasswordPolicy(min_length=8, min_classes=3)


def test_the_list_holds_tens_of_thousands() -> None:
    assert len(common_passwords()) >= 30000
    assert {"dragon", "letmein", "trustno1"} <= common_passwords()


@pytest.mark.parametrize(
    "password",
    [
        "Hegui@2023",  # the demo password: seeding may use it, a person may not choose it
        "Sasac#2024",
        "2023@Hegui",
        "Baotou888",
        "Abc@123456",
        "P@ssw0rd!",
        "Dragon2024!",
        "Letmein#2025",
        "Zhangwei@19900101",
        "LiHua1990",
        "Wang.Fang0815",
        "Liu_Yang19851231",
        "1qaz@WSX",
        "!QAZ2wsx",
        "Qwer1234!",
        "Asdf1234",
        "Zxcvbnm,./",
    ],
)
def test_guessable_passwords_are_refused(password: str) -> None:
    assert weakness(password), password
    assert POLICY.problems(password) != []


@pytest.mark.parametrize(
    "password",
    ["Xk9#mQ2!pL", "Brand-New-Secret-77", "Sasac-Review-2026", "New-Start-2026!", "Ouyang#85"],
)
def test_unusual_passwords_pass(password: str) -> None:
    assert weakness(password) == "", password


async def test_the_password_page_refuses_the_demo_password(client, accounts) -> None:
    from tests.fixtures import PASSWORD, csrf_token, sign_in

    assert (await sign_in(client, "reviewer")).status_code == 303
    token = await csrf_token(client, "/account/password")
    page = await client.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "new": "Hegui@2023",
            "confirm": "Hegui@2023",
            "_csrf_token": token,
        },
    )
    assert page.status_code == 422 and "年份" in page.text
