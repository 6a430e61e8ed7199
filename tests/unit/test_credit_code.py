import pytest

from backend.rules.credit_code import (
    CREDIT_CODE_ALPHABET,
    check_character,
    credit_code_error,
    is_valid_credit_code,
    make_credit_code,
    normalize_credit_code,
)

# Real, published codes.
REAL_CODES = ["91350100M000100Y43", "91110108551385082Q", "91440300708461136T"]


def test_alphabet_excludes_confusable_letters() -> None:
    assert len(CREDIT_CODE_ALPHABET) == 31
    assert not set("IOZSV") & set(CREDIT_CODE_ALPHABET)


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code: str) -> None:
    assert credit_code_error(code) is None
    assert is_valid_credit_code(code)
    assert check_character(code[:17]) == code[17]


def test_wrong_check_character() -> None:
    code = "91110108551385082A"
    assert credit_code_error(code) == (
        "校验码（第18位“A”）与前17位不符，代码中可能有输错的字符，请对照营业执照逐位核对"
    )
    assert not is_valid_credit_code(code)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91110108551385082", "统一社会信用代码应为18位，当前为17位"),
        ("91110108551385082QQ", "统一社会信用代码应为18位，当前为19位"),
        ("", "请输入18位统一社会信用代码"),
    ],
)
def test_wrong_length(code: str, message: str) -> None:
    assert credit_code_error(code) == message


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_forbidden_letters(letter: str) -> None:
    code = "9135" + letter + "100M000100Y43"
    assert credit_code_error(code) == f"第5位字符“{letter}”不是有效字符（不使用 I、O、Z、S、V）"


def test_non_alphabet_character() -> None:
    assert credit_code_error("91350100M000100-43") == (
        "第16位字符“-”不是有效字符（不使用 I、O、Z、S、V）"
    )


def test_lower_case_is_not_canonical() -> None:
    assert credit_code_error("91350100m000100Y43") == "第9位字符“m”应为大写字母"


def test_area_must_be_digits() -> None:
    assert credit_code_error("9135A100M000100Y43") == "第3—8位应为6位行政区划代码"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("91110108551385082q", "91110108551385082Q"),
        (" 9111 0108\t5513 85082Q\n", "91110108551385082Q"),
        ("９１１１０１０８５５１３８５０８２Ｑ", "91110108551385082Q"),
        ("\u3000９１３５０１００ｍ０００１００ｙ４３\u3000", "91350100M000100Y43"),
        ("\ufeff91440300\u200b708461136t", "91440300708461136T"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize_credit_code(raw) == expected
    assert is_valid_credit_code(normalize_credit_code(raw))


def test_make_credit_code_matches_real_code() -> None:
    assert make_credit_code("9", "1", "110108", "551385082") == "91110108551385082Q"


@pytest.mark.parametrize(
    ("registration", "category", "area", "body"),
    [
        ("9", "1", "150200", "MA0N1234X"),
        ("1", "2", "150203", "000000000"),
        ("Y", "1", "150207", "WXY000001"),
    ],
)
def test_make_credit_code_round_trip(
    registration: str, category: str, area: str, body: str
) -> None:
    code = make_credit_code(registration, category, area, body)
    assert code[:17] == registration + category + area + body
    assert is_valid_credit_code(code)


@pytest.mark.parametrize(
    ("registration", "category", "area", "body"),
    [
        ("9", "1", "15020A", "MA0N1234X"),
        ("9", "1", "150200", "MA0N1234I"),
        ("91", "", "150200", "MA0N1234X"),
        ("9", "1", "150200", "WXY"),
    ],
)
def test_make_credit_code_rejects_bad_parts(
    registration: str, category: str, area: str, body: str
) -> None:
    with pytest.raises(ValueError):
        make_credit_code(registration, category, area, body)


def test_check_character_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        check_character("9111010855138508")
    with pytest.raises(ValueError):
        check_character("9111010855138508I")
