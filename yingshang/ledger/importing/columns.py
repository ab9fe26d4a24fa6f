"""Which column holds what. Header names are read first; a column whose header is unknown or missing is judged
by its cells: unit-like cells (names ending in 局/厅/委/办/…, "X牵头", a department in the tree), deadline-like
cells (dates, 年底前, 持续推进), sequence numbers, long task text, short category text repeated down a merged
group. Readings that are close are marked unsure so the preview can ask."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import deadlines as dl
from . import units as u
from .readers import Grid, cell_text

HEADER_SCAN_ROWS = 30
HEADER_CELL_MAX = 20
HEADER_DEPTH = 3  # a header split over at most three rows
SAMPLE_ROWS = 200  # content scoring reads this many data rows: enough to judge, cheap on a 10,000-row table
TASK_TEXT = 15  # characters: a cell this long is task text, not a unit list or a deadline
DEADLINE_TEXT = 30
UNIT_TEXT = 80
CATEGORY_TEXT = 12
LIKELY = 0.5  # share of a column's cells that must look alike for the column to be read by its content
CLOSE = 0.15  # two readings whose scores differ by less than this share are "close": the preview asks

# Column kinds and the header names that announce them, tried in this order on each header cell.
COLUMN_NAMES: list[tuple[str, tuple[str, ...]]] = [
    ("seq", ("序号", "编号", "序")),
    ("co", ("配合单位", "协同单位", "参与单位", "配合部门", "协同部门", "参与部门", "协办单位", "配合")),
    ("lead", ("牵头单位", "牵头部门", "主办单位", "牵头")),
    ("responsible", ("主要责任单位", "责任单位", "责任部门", "承办单位", "责任主体")),
    (
        "task",
        (
            "具体措施",
            "任务内容",
            "工作任务",
            "重点任务",
            "主要任务",
            "工作措施",
            "政策措施",
            "主要措施",
            "任务措施",
            "工作内容",
            "具体任务",
            "改革任务",
            "任务名称",
            "措施内容",
            "重点工作",
            "工作事项",
        ),
    ),
    (
        "deadline",
        ("完成时限", "时间节点", "完成时间", "完成期限", "截止时间", "时间安排", "进度安排", "时限"),
    ),
    ("category", ("类别", "维度", "领域", "任务组", "分类", "板块")),
    ("document", ("来源文件", "政策文件", "文件名称")),
]
# Of two task columns, the broader one (重点任务) names the measure and the finer one (具体措施) the task.
MEASURE_FIRST = ("重点任务", "主要任务", "工作任务", "改革任务", "重点工作")
NOTE = re.compile(r"^(?:注|备注|说明|附注|导出人|填表|制表|审核人)[:：\s]|^注[0-9一二三四五六七八九十]")
SEQ = re.compile(r"^(?:\d{1,4}(?:[.．-]\d{1,3})*[.．、]?|[（(]?[一二三四五六七八九十]{1,3}[)）、]?|[①-⑳])$")
UNIT_MARK = re.compile(r"牵头|负责|配合|参与|协助")
# What a deadline cell is made of; a cell with more than a few other characters is text that names a date.
DEADLINE_WORDS = re.compile(
    r"[\d０-９一二三四五六七八九十年月日号底前末内上中下旬季度半止至起及以后完成每按持续推进长期坚持常态化开展报送"
    r"/\-.．、，,；;（）()\s~～—]"
)
# What `--columns task=D,...` and the preview may assign; "responsible" is the one unit column of a plan.
ASSIGNABLE = (
    "seq",
    "category",
    "measure",
    "task",
    "lead",
    "co",
    "responsible",
    "deadline",
    "document",
    "ignore",
)


@dataclass
class Columns:
    """`header_row`: position in grid.rows of the last header row (data starts below it; -1: no header)."""

    header_row: int
    header_values: list[str] = field(default_factory=list)  # set when the header is not one plain row
    index: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # kind -> header text as written
    measure: int | None = None
    how: dict[str, str] = field(default_factory=dict)  # kind -> "name" | "content" | "given" | "continued"
    unsure: list[str] = field(default_factory=list)  # kinds whose reading was close to another


def header_key(text: str) -> str:
    return re.sub(r"[\s*＊:：]", "", text)


def _kind_of(text: str) -> str:
    key = header_key(text)
    if not key or len(key) > HEADER_CELL_MAX:
        return ""
    for kind, names in COLUMN_NAMES:
        exact = key in names or key.lower() in {"no", "no."}
        if exact if kind == "seq" else any(n in key for n in names):
            return kind
    return ""


def classify_header(values: list[Any]) -> Columns | None:
    found: dict[str, list[tuple[int, str]]] = {}
    for i, value in enumerate(values):
        kind = _kind_of(cell_text(value))
        if kind:
            found.setdefault(kind, []).append((i, cell_text(value)))
    if "task" not in found or not ({"lead", "responsible"} & set(found)):
        return None
    return _from_found(found)


def _from_found(found: dict[str, list[tuple[int, str]]]) -> Columns:
    columns = Columns(header_row=0)
    for kind, hits in found.items():
        columns.index[kind] = hits[0][0]
        columns.names[kind] = hits[0][1]
        columns.how[kind] = "name"
    tasks = found.get("task", [])
    if len(tasks) > 1:
        first, last = tasks[0], tasks[-1]
        if any(n in header_key(first[1]) for n in MEASURE_FIRST):
            columns.measure = first[0]
            columns.index["task"], columns.names["task"] = last
    # 牵头单位 + 责任单位: the 责任单位 column is the co-operating one.
    if "lead" in found and "responsible" in found and "co" not in found:
        columns.index["co"], columns.names["co"] = found["responsible"][0]
        columns.how["co"] = "name"
        del columns.index["responsible"]
    return columns


def _exact_kinds(values: list[Any]) -> set[str]:
    """Column kinds of cells that are exactly a header name (a data cell such as "市发改委牵头" is not)."""
    kinds = set()
    for value in values:
        text = header_key(cell_text(value))
        for kind, names in COLUMN_NAMES:
            if text in names:
                kinds.add(kind)
                break
    return kinds


def _named_header(grid: Grid) -> Columns | None:
    """The first row naming a task column and a lead/responsible column. A two-level header ("责任单位" merged
    over "牵头单位 | 配合单位" in the row below) is read as one: the lower row's names win where it has them."""
    for position, (_number, values) in enumerate(grid.rows[:HEADER_SCAN_ROWS]):
        columns = classify_header(values)
        if columns is None:
            continue
        columns.header_row = position
        if position + 1 < len(grid.rows):
            below = list(grid.rows[position + 1][1])
            if _exact_kinds(below) & {"lead", "co", "responsible", "deadline"}:
                below += [None] * (len(values) - len(below))
                combined = [b if _exact_kinds([b]) else v for v, b in zip(values, below, strict=False)]
                merged = classify_header(combined)
                if merged is not None:
                    merged.header_row = position + 1
                    merged.header_values = [cell_text(v) for v in combined]
                    return merged
        return columns
    return None


# ---- reading columns by what their cells hold -------------------------------------------------------


def is_seq(value: Any) -> bool:
    if isinstance(value, int) and not isinstance(value, bool):
        return 0 <= value < 10000
    return bool(SEQ.match(cell_text(value)))


def is_deadline(value: Any) -> bool:
    text = cell_text(value)
    if not text or len(text) > DEADLINE_TEXT or is_seq(value) or len(DEADLINE_WORDS.sub("", text)) > 4:
        return False
    deadline = dl.parse_deadline(value, year=2000, default_cycle="month")
    return not deadline.error and (deadline.date is not None or deadline.ongoing or deadline.placeholder)


def is_unit(text: str, index: u.DepartmentIndex | None = None) -> bool:
    if not text or len(text) > UNIT_TEXT or u.is_placeholder(text):
        return False
    cell = u.split_cell(text, u.RESPONSIBLE_COLUMN)
    names = [x.name for x in cell.lead + cell.co]
    if not names:
        return bool(cell.generic)
    if UNIT_MARK.search(text) and len(text) <= UNIT_TEXT:
        return True
    return all(
        u.UNIT_SUFFIX.search(n) or (index is not None and index.lookup(n)[0] is not None) for n in names
    )


@dataclass
class _Profile:
    filled: int = 0
    units: int = 0
    deadlines: int = 0
    seqs: int = 0
    placeholders: int = 0
    length: int = 0
    long: int = 0
    distinct: set[str] = field(default_factory=set)

    def share(self, count: int) -> float:
        return count / self.filled if self.filled else 0.0

    @property
    def text_score(self) -> float:
        """How much this column reads as running text: average length of cells that are nothing else."""
        other = self.units + self.deadlines + self.seqs + self.placeholders
        if not self.filled or other / self.filled >= LIKELY:
            return 0.0
        return self.length / self.filled


def _is_data_row(values: list[Any], index: u.DepartmentIndex | None) -> bool:
    """A task row: at least two different cells, one of them text that is not a unit, a deadline or a number,
    and one that is (or a long text). A title or note merged across the row has one value only."""
    texts = [cell_text(v) for v in values]
    distinct = {t for t in texts if t}
    if len(distinct) < 2 or NOTE.match(next(t for t in texts if t)) or _exact_kinds(values):
        return False
    plain = marked = 0
    for value, text in zip(values, texts, strict=True):
        if not text:
            continue
        if is_seq(value) or is_deadline(value) or is_unit(text, index) or u.is_placeholder(text):
            marked += 1
        elif len(text) >= 2:
            plain += 1
            marked += len(text) >= TASK_TEXT
    return plain >= 1 and marked >= 2


def _data_start(grid: Grid, index: u.DepartmentIndex | None) -> int | None:
    for position, (_number, values) in enumerate(grid.rows[: HEADER_SCAN_ROWS + 1]):
        if _is_data_row(values, index):
            return position
    return None


def _header_rows(grid: Grid, data_start: int) -> list[int]:
    """Positions of the header rows just above the data: up to three rows of two or more different cells."""
    rows: list[int] = []
    position = data_start - 1
    while position >= 0 and len(rows) < HEADER_DEPTH:
        values = grid.rows[position][1]
        distinct = {cell_text(v) for v in values if cell_text(v)}
        if len(distinct) < 2:
            break
        rows.insert(0, position)
        position -= 1
    return rows


def _profiles(grid: Grid, start: int, width: int, index: u.DepartmentIndex | None) -> list[_Profile]:
    profiles = [_Profile() for _ in range(width)]
    taken = 0
    for _number, values in grid.rows[start:]:
        if taken >= SAMPLE_ROWS:
            break
        if len({cell_text(v) for v in values if cell_text(v)}) < 2:
            continue  # a section heading or note merged across
        taken += 1
        for i, value in enumerate(values[:width]):
            text = cell_text(value)
            if not text:
                continue
            p = profiles[i]
            p.filled += 1
            p.length += len(text)
            p.long += len(text) >= TASK_TEXT
            p.distinct.add(text)
            if is_seq(value):
                p.seqs += 1
            elif u.is_placeholder(text):
                p.placeholders += 1
            elif is_deadline(value):
                p.deadlines += 1
            elif is_unit(text, index):
                p.units += 1
    return profiles


def _close(best: float, second: float) -> bool:
    return best > 0 and second > 0 and (best - second) / best < CLOSE


class _Chooser:
    """Fills the kinds the header did not name from the columns' contents, one kind at a time."""

    def __init__(self, profiles: list[_Profile], taken: set[int], columns: Columns):
        self.profiles = profiles
        self.columns = columns
        self.free = [i for i in range(len(profiles)) if i not in taken and profiles[i].filled]

    def assign(self, kind: str, i: int) -> None:
        self.columns.index[kind] = i
        self.columns.how[kind] = "content"
        self.free.remove(i)

    def run(self) -> None:
        index = self.columns.index
        if "seq" not in index:
            seqs = [i for i in self.free if self.profiles[i].share(self.profiles[i].seqs) >= 0.8]
            if seqs:
                self.assign("seq", seqs[0])
        self.units()
        if "deadline" not in index:
            self.deadline()
        if "task" not in index:
            self.task()
        if "category" not in index and "task" in index:
            self.category()

    def units(self) -> None:
        named = {"lead", "co", "responsible"} & set(self.columns.index)
        found = [
            i
            for i in self.free
            if self.profiles[i].units
            and self.profiles[i].share(self.profiles[i].units + self.profiles[i].placeholders) >= LIKELY
        ]
        if not found or named - {"lead"}:
            return
        if named == {"lead"}:
            self.assign("co", found[0])
        elif len(found) == 1:
            self.assign("responsible", found[0])
        else:
            self.assign("lead", found[0])
            self.assign("co", found[1])
            if len(found) > 2:
                self.columns.unsure.append("co")

    def deadline(self) -> None:
        scored = sorted(
            (p.share(p.deadlines + p.placeholders), i)
            for i, p in ((i, self.profiles[i]) for i in self.free)
            if p.deadlines
        )
        if scored and scored[-1][0] >= LIKELY:
            self.assign("deadline", scored[-1][1])
            if len(scored) > 1 and _close(scored[-1][0], scored[-2][0]):
                self.columns.unsure.append("deadline")

    def task(self) -> None:
        texts = sorted(
            ((self.profiles[i].text_score, i) for i in self.free if self.profiles[i].text_score), reverse=True
        )
        if not texts:
            return
        best_score, best = texts[0]
        self.assign("task", best)
        if len(texts) > 1:
            second_score, second = texts[1]
            if second < best and self.profiles[second].long and self.columns.measure is None:
                self.columns.measure = second  # the broader text to the left names the measure
                self.columns.how["measure"] = "content"
                self.free.remove(second)
            elif _close(best_score, second_score):
                self.columns.unsure.append("task")

    def category(self) -> None:
        task = self.columns.index["task"]
        groups = [
            i
            for i in self.free
            if i < task
            and self.profiles[i].text_score <= CATEGORY_TEXT
            and len(self.profiles[i].distinct) < self.profiles[i].filled  # repeated down a group
        ]
        if groups:
            self.assign("category", groups[0])


def find_columns(
    grid: Grid,
    *,
    index: u.DepartmentIndex | None = None,
    given: dict[str, int] | None = None,
    previous: Columns | None = None,
) -> Columns | None:
    """The columns of a grid, or None when no column holds task text. `given`: kinds fixed by the user
    (`--columns`); `previous`: the columns of the table before, for a table continued on the next sheet."""
    named = _named_header(grid)
    if named is not None and not given and not _unnamed(grid, named):
        return named  # every header cell is a known name: nothing to judge by content
    data_start = _data_start(grid, index) if named is None else named.header_row + 1
    if data_start is None:
        return None
    header_rows = _header_rows(grid, data_start) if named is None else [named.header_row]
    width = max((len(v) for _n, v in grid.rows), default=0)
    header_values = _stacked_header(grid, header_rows, width)
    if named is not None:
        columns = named
        columns.header_values = columns.header_values or header_values
    elif not header_rows and previous is not None and data_start <= 1 and previous.index:
        return Columns(
            header_row=data_start - 1,
            header_values=[""] * width,
            index=dict(previous.index),
            names=dict(previous.names),
            measure=previous.measure,
            how={k: "continued" for k in previous.index},
        )
    else:
        found: dict[str, list[tuple[int, str]]] = {}
        for i, text in enumerate(header_values):
            kind = _kind_of(text) or _kind_of(text.split("/")[-1])
            if kind:
                found.setdefault(kind, []).append((i, text.split("/")[-1]))
        columns = _from_found(found)
        columns.header_row = data_start - 1
        columns.header_values = header_values
    if given:
        columns.index = {k: v for k, v in given.items() if k not in {"measure", "ignore"}}
        columns.measure = given.get("measure")
        columns.how = {k: "given" for k in given}
        columns.unsure = []
    else:
        taken = set(columns.index.values()) | ({columns.measure} if columns.measure is not None else set())
        _Chooser(_profiles(grid, data_start, width, index), taken, columns).run()
    if "task" not in columns.index:
        return None
    for kind, i in columns.index.items():
        columns.names.setdefault(kind, header_values[i] if i < len(header_values) else "")
    return columns


def _unnamed(grid: Grid, named: Columns) -> list[int]:
    """Columns under a named header whose header cell is text the import does not know."""
    values = named.header_values or [cell_text(v) for v in grid.rows[named.header_row][1]]
    used = set(named.index.values()) | ({named.measure} if named.measure is not None else set())
    return [i for i, text in enumerate(values) if text and i not in used and not _kind_of(text)]


def _stacked_header(grid: Grid, positions: list[int], width: int) -> list[str]:
    """One name per column from a header split over rows: "责任单位/牵头单位" (merged cells repeat a name)."""
    names: list[str] = []
    for i in range(width):
        parts: list[str] = []
        for position in positions:
            values = grid.rows[position][1]
            text = header_key(cell_text(values[i])) if i < len(values) else ""
            if text and text not in parts:
                parts.append(text)
        names.append("/".join(parts))
    return names
