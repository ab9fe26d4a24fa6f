"""Deadlines as plans write them: dates, "2026年12月底前", "6月底完成", "年底前", "持续推进", Excel serials."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from .units import is_placeholder

CYCLES = {"month": "每月", "quarter": "每季度", "half": "每半年", "year": "每年"}

# Phrases meaning "no end date, report every cycle"; None takes the office's default cycle.
ONGOING_WORDS: list[tuple[str, str | None]] = [
    ("每半年", "half"),
    ("半年一报", "half"),
    ("每季度", "quarter"),
    ("每季", "quarter"),
    ("按季度", "quarter"),
    ("每月", "month"),
    ("按月", "month"),
    ("每年", "year"),
    ("按年", "year"),
    ("持续推进", None),
    ("长期坚持", None),
    ("持续开展", None),
    ("长期推进", None),
    ("常态化", None),
    ("长期", None),
    ("持续", None),
]

_FULLWIDTH = str.maketrans("０１２３４５６７８９／－．", "0123456789/-.")
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
EXCEL_EPOCH = date(1899, 12, 30)


@dataclass(frozen=True)
class Deadline:
    date: date | None = None
    ongoing: bool = False
    cycle: str = ""
    text: str = ""
    error: str = ""
    placeholder: bool = False  # "无", "待定", "—": written, but says there is no deadline


class NeedsYear(Exception):
    """The text names a month or "年底" but no year; the plan's year is unknown."""


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGITS[text[1]]
    if text.endswith("十"):
        return _CN_DIGITS[text[0]] * 10
    if "十" in text:
        tens, ones = text.split("十")
        return _CN_DIGITS[tens] * 10 + _CN_DIGITS[ones]
    return _CN_DIGITS[text]


_NUM = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})"), "ymd"),
    (re.compile(r"(\d{4})年" + _NUM + r"月" + r"(\d{1,2})[日号]"), "ymd"),
    (re.compile(r"(?<!\d)" + _NUM + r"月" + r"(\d{1,2})[日号]"), "md"),
    (re.compile(r"(\d{4})年" + _NUM + r"月(上旬|中旬|下旬)?"), "ym"),
    (re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})(?!\d)"), "ym"),
    (re.compile(r"(?<![\d年])" + _NUM + r"月(上旬|中旬|下旬)?"), "m"),
    (re.compile(r"(\d{4})年(?:度)?(?:底|末|内)"), "y_end"),
    (re.compile(r"(\d{4})年(上半年|下半年|年中)"), "y_half"),
    (re.compile(r"(\d{4})年(?:第)?([一二三四1-4])季度"), "y_quarter"),
    (re.compile(r"(?<!\d)(\d{4})年$"), "y_end"),
    (re.compile(r"(?:年底|年末|年内|当年|本年度|年度内)"), "end"),
    (re.compile(r"(上半年|下半年|年中)"), "half"),
    (re.compile(r"(?:第)?([一二三四1-4])季度"), "quarter"),
]
_TEN_DAYS = {"上旬": 10, "中旬": 20}


def _need(year: int | None) -> int:
    if year is None:
        raise NeedsYear
    return year


def _dates_in(text: str, year: int | None) -> list[date]:
    """Every date the text names, in order; matched spans are blanked so "2026年6月" is not read again as "6月"."""
    found: list[tuple[int, date]] = []
    work = text
    for pattern, kind in _PATTERNS:
        for m in pattern.finditer(work):
            g = m.groups()
            if kind == "ymd":
                d = date(int(g[0]), _cn_number(g[1]), int(g[2]))
            elif kind == "md":
                d = date(_need(year), _cn_number(g[0]), int(g[1]))
            elif kind in {"ym", "m"}:
                y = int(g[0]) if kind == "ym" else _need(year)
                month = _cn_number(g[1] if kind == "ym" else g[0])
                part = g[2] if kind == "ym" and len(g) > 2 else (g[1] if kind == "m" else None)
                d = date(y, month, _TEN_DAYS[part]) if part in _TEN_DAYS else _month_end(y, month)
            elif kind == "y_end":
                d = date(int(g[0]), 12, 31)
            elif kind == "end":
                d = date(_need(year), 12, 31)
            elif kind in {"y_half", "half"}:
                y = int(g[0]) if kind == "y_half" else _need(year)
                half = g[-1]
                d = date(y, 12, 31) if half == "下半年" else date(y, 6, 30)
            else:  # quarter
                y = int(g[0]) if kind == "y_quarter" else _need(year)
                q = g[-1]
                quarter = int(q) if q.isdigit() else _CN_DIGITS[q]
                d = _month_end(y, quarter * 3)
            found.append((m.start(), d))
            work = work[: m.start()] + "\x00" * (m.end() - m.start()) + work[m.end() :]
    return [d for _, d in sorted(found, key=lambda x: x[0])]


def excel_serial_to_date(serial: float) -> date:
    return EXCEL_EPOCH + timedelta(days=int(serial))


def parse_deadline(value: object, *, year: int | None, default_cycle: str = "month") -> Deadline:
    """Read one 完成时限 cell. An empty cell is no deadline (not an error); unreadable text is an error."""
    if value is None:
        return Deadline()
    if isinstance(value, datetime):
        return Deadline(date=value.date(), text=value.date().isoformat())
    if isinstance(value, date):
        return Deadline(date=value, text=value.isoformat())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            d = excel_serial_to_date(value)
            return Deadline(date=d, text=str(value))
        return Deadline(text=str(value), error=f"无法识别的时限“{value}”")
    return _parse_text(str(value), year, default_cycle)


@lru_cache(maxsize=8192)
def _parse_text(value: str, year: int | None, default_cycle: str) -> Deadline:
    text = re.sub(r"\s+", "", value).translate(_FULLWIDTH)
    if not text:
        return Deadline()
    if is_placeholder(text):
        return Deadline(text=text, placeholder=True)
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return Deadline(date=excel_serial_to_date(float(text)), text=text)
    try:
        dates = _dates_in(text, year)
    except NeedsYear:
        return Deadline(
            text=text, error=f"时限“{text}”未写年份，请填写方案年份（命令行用 --year）或在文件标题中注明"
        )
    except (ValueError, KeyError):
        return Deadline(text=text, error=f"时限“{text}”不是有效日期")
    for word, cycle in ONGOING_WORDS:
        if word in text:
            # "2026年底前完成，此后长期坚持": a date plus an ongoing tail stays ongoing, the date is the first milestone.
            return Deadline(
                date=dates[0] if dates else None,
                ongoing=True,
                cycle=cycle or default_cycle,
                text=text,
            )
    if dates:
        return Deadline(date=max(dates), text=text)
    return Deadline(text=text, error=f"无法识别的时限“{text}”")


def plan_year(text: str) -> int | None:
    """The plan's year from a document title such as "…2021年重点任务分工方案"."""
    m = re.search(r"((?:19|20)\d{2})(?=\s*(?:年|—|-|）|\)|〕))", text or "")
    return int(m.group(1)) if m else None
