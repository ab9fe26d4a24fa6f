"""The unified social credit code (统一社会信用代码) of GB 32100-2015: 18 characters from a 31-character
alphabet, the last one a check character over the first 17."""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_error(code: str) -> str | None:
    """None when `code` is valid, else a Chinese sentence saying what is wrong."""
    code = (code or "").strip().upper()
    if len(code) != 18:
        return "统一社会信用代码应为18位。"
    bad = [ch for ch in code if ch not in ALPHABET]
    if bad:
        return f"统一社会信用代码含有无效字符“{bad[0]}”（不使用 I、O、Z、S、V）。"
    if check_character(code[:17]) != code[17]:
        return "统一社会信用代码校验位不正确，请核对。"
    return None
