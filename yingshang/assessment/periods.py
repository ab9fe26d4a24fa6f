"""Assessment periods: "2026-09" (month), "2026-Q3" (quarter), "2026" (year)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from yingshang.core.errors import ValidationFailed

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    code: str
    kind: str  # month | quarter | year
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        year = self.start.year
        if self.kind == "month":
            return f"{year}年{self.start.month}月"
        if self.kind == "quarter":
            return f"{year}年第{'一二三四'[(self.start.month - 1) // 3]}季度"
        return f"{year}年度"

    def previous(self) -> Period:
        if self.kind == "year":
            return parse_period(str(self.start.year - 1))
        if self.kind == "quarter":
            q = (self.start.month - 1) // 3 + 1
            return parse_period(f"{self.start.year - 1}-Q4" if q == 1 else f"{self.start.year}-Q{q - 1}")
        year, month = (
            (self.start.year - 1, 12) if self.start.month == 1 else (self.start.year, self.start.month - 1)
        )
        return parse_period(f"{year}-{month:02d}")


def parse_period(code: str) -> Period:
    code = (code or "").strip()
    if m := _MONTH.match(code):
        year, month = int(m[1]), int(m[2])
        return Period(
            code, "month", date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        )
    if m := _QUARTER.match(code):
        year, q = int(m[1]), int(m[2])
        first = 3 * (q - 1) + 1
        last = first + 2
        return Period(
            f"{year}-Q{q}",
            "quarter",
            date(year, first, 1),
            date(year, last, calendar.monthrange(year, last)[1]),
        )
    if m := _YEAR.match(code):
        year = int(m[1])
        return Period(code, "year", date(year, 1, 1), date(year, 12, 31))
    raise ValidationFailed(
        f"无法识别的考核周期“{code}”，请写作 2026-09、2026-Q3 或 2026。",
        code="assessment.period_invalid",
        fields={"period": ["周期格式不正确。"]},
    )


def started_period(code: str | Period, today: date) -> Period:
    """The period, refused if it has not begun on `today`: nothing can be assessed or reported ahead."""
    p = parse_period(code) if isinstance(code, str) else code
    if p.start > today:
        raise ValidationFailed(
            f"{p.label}尚未开始，不能考核或填报；请选择已开始的周期。",
            code="assessment.period_not_started",
            fields={"period": ["周期尚未开始。"]},
        )
    return p
