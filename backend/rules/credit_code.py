"""统一社会信用代码 (Unified Social Credit Code) per GB 32100-2015."""

from __future__ import annotations

CREDIT_CODE_ALPHABET: str = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_LENGTH = 18

_VALUES: dict[str, int] = {c: i for i, c in enumerate(CREDIT_CODE_ALPHABET)}
# W_i = 3^(i-1) mod 31 for i = 1..17.
_WEIGHTS: tuple[int, ...] = tuple(pow(3, i, 31) for i in range(17))


def _build_translation() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in range(0x21, 0x7F):
        # Full-width ASCII (U+FF01..U+FF5E) is what Chinese IMEs type in full-width mode.
        table[code + 0xFEE0] = chr(code).upper()
    for code in range(ord("a"), ord("z") + 1):
        table[code] = chr(code).upper()
    # Zero-width characters come along when codes are copied from web pages and Word files.
    for code in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF):
        table[code] = None
    return table


_TRANSLATION = _build_translation()


def _require_alphabet(text: str, what: str) -> None:
    bad = [c for c in text if c not in _VALUES]
    if bad:
        raise ValueError(f"{what} contains characters outside the credit-code alphabet: {bad!r}")


def check_character(first17: str) -> str:
    """Return the 18th (check) character for the first 17 characters of a code."""
    if len(first17) != CREDIT_CODE_LENGTH - 1:
        raise ValueError(f"expected 17 characters, got {len(first17)}")
    _require_alphabet(first17, "first17")
    total = sum(_VALUES[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(raw: str) -> str:
    """Drop all whitespace, convert full-width to half-width and upper-case ASCII letters."""
    return "".join(raw.translate(_TRANSLATION).split())


def credit_code_error(code: str) -> str | None:
    """Return None if `code` is a valid canonical code, else a user-facing Chinese message.

    Validation is strict: pass the output of `normalize_credit_code` for user input.
    Positions 1–2 are not checked against the code tables, and the GB 11714 check character
    inside the organisation code (position 17) is deliberately not enforced.
    """
    if not code:
        return "请输入18位统一社会信用代码"
    if len(code) != CREDIT_CODE_LENGTH:
        return f"统一社会信用代码应为18位，当前为{len(code)}位"
    for position, char in enumerate(code, start=1):
        if char not in _VALUES:
            if char.upper() in _VALUES:
                return f"第{position}位字符“{char}”应为大写字母"
            return f"第{position}位字符“{char}”不是有效字符（不使用 I、O、Z、S、V）"
    if not code[2:8].isdigit():
        return "第3—8位应为6位行政区划代码"
    expected = check_character(code[:17])
    if code[17] != expected:
        return (
            f"校验码（第18位“{code[17]}”）与前17位不符，"
            "代码中可能有输错的字符，请对照营业执照逐位核对"
        )
    return None


def is_valid_credit_code(code: str) -> bool:
    """True if `code` is a valid canonical (already normalised) credit code."""
    return credit_code_error(code) is None


def make_credit_code(registration: str, category: str, area: str, body: str) -> str:
    """Assemble a valid code from its parts, appending the check character."""
    if len(registration) != 1 or len(category) != 1:
        raise ValueError("registration and category must be one character each")
    if len(area) != 6 or not area.isdigit():
        raise ValueError(f"area must be a 6-digit administrative division code, got {area!r}")
    if len(body) != 9:
        raise ValueError(f"body must be 9 characters, got {len(body)}")
    first17 = registration + category + area + body
    _require_alphabet(first17, "code")
    return first17 + check_character(first17)
