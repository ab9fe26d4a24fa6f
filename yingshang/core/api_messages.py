"""Chinese messages for the API's input validation. django-ninja hands over pydantic's errors, whose `msg` is
English ("Field required"); an integrator in the city reads `fields` next to our Chinese `message`, so each
error is retold from its machine-readable `type` and `ctx`. A type not listed here gets a plain generic line
rather than the English text."""

from typing import Any

_MESSAGES = {
    "missing": "必填项，请填写。",
    "extra_forbidden": "不接受该字段。",
    "string_type": "应为文本。",
    "string_too_short": "至少 {min_length} 个字符。",
    "string_too_long": "最多 {max_length} 个字符。",
    "string_pattern_mismatch": "格式不正确。",
    "string_unicode": "应为有效的 UTF-8 文本。",
    "int_type": "应为整数。",
    "int_parsing": "应为整数。",
    "int_from_float": "应为整数，不能带小数。",
    "int_parsing_size": "整数超出允许范围。",
    "float_type": "应为数字。",
    "float_parsing": "应为数字。",
    "decimal_type": "应为数字。",
    "decimal_parsing": "应为数字。",
    "decimal_max_digits": "数字位数过多（最多 {max_digits} 位）。",
    "decimal_max_places": "小数位数过多（最多 {decimal_places} 位）。",
    "finite_number": "应为有限的数字。",
    "bool_type": "应为 true 或 false。",
    "bool_parsing": "应为 true 或 false。",
    "greater_than": "应大于 {gt}。",
    "greater_than_equal": "应不小于 {ge}。",
    "less_than": "应小于 {lt}。",
    "less_than_equal": "应不大于 {le}。",
    "multiple_of": "应为 {multiple_of} 的整数倍。",
    "date_type": "应为日期，格式 YYYY-MM-DD。",
    "date_parsing": "应为日期，格式 YYYY-MM-DD。",
    "date_from_datetime_parsing": "应为日期，格式 YYYY-MM-DD。",
    "date_from_datetime_inexact": "应为日期，不能带时间。",
    "datetime_type": "应为日期时间，格式 YYYY-MM-DDTHH:MM:SS+08:00。",
    "datetime_parsing": "应为日期时间，格式 YYYY-MM-DDTHH:MM:SS+08:00。",
    "datetime_from_date_parsing": "应为日期时间，格式 YYYY-MM-DDTHH:MM:SS+08:00。",
    "timezone_aware": "日期时间须带时区，如 +08:00。",
    "uuid_type": "应为 UUID。",
    "uuid_parsing": "应为 UUID。",
    "literal_error": "应为以下之一：{expected}。",
    "enum": "应为以下之一：{expected}。",
    "list_type": "应为数组。",
    "too_short": "至少 {min_length} 项。",
    "too_long": "最多 {max_length} 项。",
    "dict_type": "应为对象。",
    "model_type": "应为对象。",
    "model_attributes_type": "应为对象。",
    "json_invalid": "不是有效的 JSON。",
    "json_type": "不是有效的 JSON。",
    "url_parsing": "应为有效的网址。",
    "url_type": "应为有效的网址。",
    "url_scheme": "网址协议应为 {expected_schemes}。",
    "value_error": "{error}",
    "assertion_error": "{error}",
}
_GENERIC = "格式不正确。"


def validation_message(error: dict[str, Any]) -> str:
    """One pydantic error (an item of `ValidationError.errors()`) as a Chinese sentence. A validator of ours
    raising `ValueError("…")` keeps its own words."""
    template = _MESSAGES.get(error.get("type", ""))
    if template is None:
        return _GENERIC
    ctx = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
    if "expected" in ctx:
        ctx["expected"] = ctx["expected"].replace(" or ", "、").replace("'", "")
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return _GENERIC
