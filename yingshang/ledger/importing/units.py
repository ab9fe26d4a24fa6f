"""Units (单位) as plans write them: split a cell into units, read who leads, carry a level prefix along a list,
keep a bracketed alias with its body, recognise generic phrases, and match names to the department tree."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

LEAD = "lead"
CO = "co"

# Which kind of column a cell came from decides roles when the cell itself does not say.
LEAD_COLUMN = "lead"  # 牵头单位: every unit listed leads
RESPONSIBLE_COLUMN = "responsible"  # 责任单位 alone: "X牵头，Y负责", else the first listed leads (a setting)
CO_COLUMN = "co"  # 配合单位: every unit listed co-operates

CLAUSE_SEPARATORS = "，,；;"
ITEM_SEPARATORS = "、"
OPEN, CLOSE = "（", "）"
LEVEL_PREFIXES = "省市州区县"
# Words that begin with a level character but are not a level prefix: 市场监管局 is a market regulator.
NOT_A_PREFIX = ("市场", "市政公用", "市政工程", "市容", "区域", "县域", "省份", "州府")
PLACE_MARKS = re.compile(r"(?<!超)市(?!场)|区|县|州|省|国家|中共|中国|人民银行|海关|银保监|金融监管")
UNIT_SUFFIX = re.compile(
    r"(厅|局|委|委员会|办|办公室|中心|院|所|队|处|站|会|部|行|公司|集团|政府|分局|支队|大队|管委会|街道|镇|乡|署|社|馆|台)$"
)
ROLE_SUFFIX = re.compile(
    r"(牵头负责|牵头落实|牵头|结合实际落实|结合实际抓好落实|抓好落实|按职责分工负责|按职责分工落实|按照职责分工负责|按职责负责|按职责落实|分工负责|负责落实|"
    r"配合落实|共同负责|配合|参与|协助|负责)$"
)
ET_CETERA = re.compile(r"^(.{2,}?)等(有关|相关|其他|各)?(部门|单位|成员单位|机构)?$")
GENERIC = re.compile(
    r"^各|有关|相关|其他|成员单位|^(?:市|区|县|省|州)?(?:级|直)?(?:各)?(?:部门|单位)$|^(?:市|区|县|省)直部门$"
)
# Local governments named as a class, not one body: "各县（市、区）", "县市区政府", "市县两级政府", "乡镇（街道）".
LOCAL_GOVERNMENTS = re.compile(
    r"^(?:各|全)|[（(][市区县州旗、乡镇街道]+[）)]|^(?:省市县|市县|县市区|县市|县区|区县|市州|市区|乡镇|镇街)"
    r"(?:两级|三级|各级)?(?:人民)?(?:政府|党委|党委和政府|管委会)?$"
)
# A cell or list item that stands for "nothing here": 无, 暂无, —, ／ and the like.
PLACEHOLDER = re.compile(
    r"^(?:无|暂无|空|略|待定|待明确|待确定|不涉及|没有|暂缺|缺|无需|无需配合|无配合单位|未定|n/?a|null|none|nil"
    r"|[\\\-—－–―─_/／.．。…·、~～*＊?？xX×]+)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Unit:
    """One unit as written (after splitting and prefix carrying); `name` without a bracketed alias."""

    written: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass
class CellUnits:
    lead: list[Unit] = field(default_factory=list)
    co: list[Unit] = field(default_factory=list)
    generic: list[str] = field(default_factory=list)


_SPACED_UNITS = re.compile(UNIT_SUFFIX.pattern.rstrip("$") + r"[ \t\u3000]+(?=\S{2})")


def normalise_text(text: str) -> str:
    """One bracket style; line breaks and the spaces after a unit name ("市发改委 市财政局") separate units."""
    text = str(text or "").replace("(", OPEN).replace(")", CLOSE)
    text = re.sub(r"[\r\n]+", "、", text.strip())
    text = _SPACED_UNITS.sub(lambda m: m.group(1) + "、", text)
    return re.sub(r"\s+", "", text).strip("、，,；;。")


def is_placeholder(text: str) -> bool:
    """ "无", "—", "／" …: a cell or list item that means nothing is written there."""
    return bool(PLACEHOLDER.match(re.sub(r"\s+", "", str(text or ""))))


_SPLITTERS: dict[str, re.Pattern[str]] = {}


def _split_top(text: str, separators: str) -> list[str]:
    """Split on separators outside brackets (a bracket may hold "、": "（含A、B）")."""
    if OPEN not in text:
        splitter = _SPLITTERS.get(separators)
        if splitter is None:
            splitter = _SPLITTERS[separators] = re.compile("[" + re.escape(separators) + "]")
        return [p for p in (s.strip() for s in splitter.split(text)) if p]
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch == OPEN:
            depth += 1
        elif ch == CLOSE and depth:
            depth -= 1
        if depth == 0 and ch in separators:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p for p in (s.strip() for s in parts) if p]


def _split_items(clause: str) -> list[str]:
    items: list[str] = []
    for part in _split_top(clause, ITEM_SEPARATORS):
        # "州委编办及州直相关单位": 及/以及 join two units; never split "和" (政务和数据局).
        items.extend(p for p in re.split(r"以及|及(?=.{2,})", part) if p)
    return items


def level_prefix(name: str) -> str:
    if name and name[0] in LEVEL_PREFIXES and not name.startswith(NOT_A_PREFIX):
        return name[0]
    return ""


def _is_bare(name: str) -> bool:
    """A department name written without any level or place, such as "科技厅" or "市场监管局"."""
    if level_prefix(name):
        return False
    return not PLACE_MARKS.search(name) and bool(UNIT_SUFFIX.search(name))


def is_generic(name: str) -> bool:
    return bool(GENERIC.search(name) or LOCAL_GOVERNMENTS.search(name))


def _strip_role(text: str) -> tuple[str, str | None]:
    m = ROLE_SUFFIX.search(text)
    if not m or m.start() == 0:
        if m:
            return "", LEAD if m.group(1).startswith("牵头") else CO
        return text, None
    role = LEAD if m.group(1).startswith("牵头") else CO
    return text[: m.start()], role


def _bracket(item: str) -> tuple[str, tuple[str, ...], str | None]:
    """(name, aliases, role) for "省市场监管局（省知识产权局）", "市发改委（牵头）"."""
    m = re.fullmatch(r"(.+?)（(.+)）", item)
    if not m:
        return item, (), None
    inner = m.group(2)
    if inner in {"牵头", "牵头单位", "牵头负责"}:
        return m.group(1), (), LEAD
    if inner in {"配合", "配合单位", "责任单位"}:
        return m.group(1), (), CO
    if UNIT_SUFFIX.search(inner) and not is_generic(inner):
        return m.group(1), tuple(_split_top(inner, "、，,；;")), None
    return item, (), None


def split_cell(text: str, column: str, *, first_listed_leads: bool = True) -> CellUnits:
    """Units of one cell, each with its role. Generic phrases are returned apart, never as units."""
    lead, co, generic = _split_cell(str(text or ""), column, first_listed_leads)
    return CellUnits(list(lead), list(co), list(generic))


@lru_cache(maxsize=65536)
def _split_cell(text: str, column: str, first_listed_leads: bool) -> tuple[tuple[Any, ...], ...]:
    # Plans repeat the same unit cells on many rows: each distinct cell is read once.
    cell = _read_cell(text, column, first_listed_leads)
    return tuple(cell.lead), tuple(cell.co), tuple(cell.generic)


def _not_a_unit(item: str, result: CellUnits) -> bool:
    """An empty item, a placeholder ("无", "—"), or local governments as a class (kept as generic, whole:
    "乡镇（街道）" is not a unit with an alias)."""
    if LOCAL_GOVERNMENTS.search(item):
        result.generic.append(item)
        return True
    return not item or is_placeholder(item)


def _read_cell(text: str, column: str, first_listed_leads: bool) -> CellUnits:
    result = CellUnits()
    text = normalise_text(text)
    if not text or is_placeholder(text):
        return result
    entries = _cell_entries(text, result)
    _assign_roles(entries, column, first_listed_leads, result)
    return result


def _cell_entries(text: str, result: CellUnits) -> list[tuple[Unit, str | None]]:
    """Each unit of the cell in order with the role written beside it, if any; generic phrases go to
    `result.generic`. A level prefix ("市") carries on to the bare names listed after it."""
    prefix = ""
    entries: list[tuple[Unit, str | None]] = []
    for clause in _split_top(text, CLAUSE_SEPARATORS):
        body, clause_role = _strip_role(clause)
        for raw in _split_items(body):
            item, item_role = _strip_role(raw)
            if _not_a_unit(item, result):
                continue
            name, aliases, bracket_role = _bracket(item)
            role = bracket_role or item_role or clause_role
            name = _without_et_cetera(name, aliases, result)
            if is_generic(name):
                result.generic.append(name)
                continue
            own = level_prefix(name)
            if own:
                prefix = own
            elif prefix and _is_bare(name):
                name = prefix + name
                aliases = tuple(prefix + a if _is_bare(a) else a for a in aliases)
            written = name + (OPEN + "、".join(aliases) + CLOSE if aliases else "")
            entries.append((Unit(written=written, name=name, aliases=aliases), role))
    return entries


def _without_et_cetera(name: str, aliases: tuple[str, ...], result: CellUnits) -> str:
    """ "X等有关部门" is the unit X; the "等有关部门" is kept as generic (a bare "等" is not)."""
    m = ET_CETERA.match(name)
    if m and not aliases:
        name = m.group(1)
        tail = "等" + (m.group(2) or "") + (m.group(3) or "")
        if tail != "等":
            result.generic.append(tail)
    return name


def _assign_roles(
    entries: list[tuple[Unit, str | None]], column: str, first_listed_leads: bool, result: CellUnits
) -> None:
    """Roles written in the cell decide; else the column's kind does (see LEAD_COLUMN and the others)."""
    marked_leads = [u for u, role in entries if role == LEAD]
    for unit, role in entries:
        if marked_leads:
            is_lead = role == LEAD
        elif column == LEAD_COLUMN:
            is_lead = True
        elif column == CO_COLUMN:
            is_lead = False
        else:
            is_lead = (not first_listed_leads) or unit is entries[0][0]
        target = result.lead if is_lead else result.co
        if unit not in target:
            target.append(unit)


# ---- matching to the department tree ----------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentRef:
    pk: int
    code: str
    name: str


def name_key(name: str, city_names: Iterable[str] = ()) -> str:
    return _name_key(name, tuple(city_names))


@lru_cache(maxsize=65536)
def _name_key(name: str, city_names: tuple[str, ...]) -> str:
    """Comparable form of a unit name: no spaces, one bracket style, without the city's own name or "市"."""
    key = normalise_text(name).replace("人民政府", "政府")
    for city in sorted((c for c in city_names if c), key=len, reverse=True):
        if key.startswith(city) and len(key) > len(city):
            key = key[len(city) :]
            break
    if key.startswith("市") and not key.startswith(NOT_A_PREFIX) and len(key) > 2:
        key = key[1:]
    return key


class DepartmentIndex:
    """Full names first, then short names, then aliases; a key that names two departments matches none."""

    def __init__(
        self, departments: Iterable[tuple[int, str, str, str, list[str]]], city_names: Iterable[str]
    ):
        self.city_names = tuple(c for c in city_names if c)
        self._cache: dict[Unit, tuple[DepartmentRef | None, bool]] = {}
        self.tiers: list[dict[str, set[DepartmentRef]]] = [{}, {}, {}]
        self.by_code: dict[str, DepartmentRef] = {}
        for pk, code, name, short_name, aliases in departments:
            ref = DepartmentRef(pk, code, name)
            self.by_code[code] = ref
            for tier, names in enumerate(([name], [short_name], list(aliases or []))):
                for n in names:
                    if n:
                        self.tiers[tier].setdefault(name_key(n, self.city_names), set()).add(ref)

    @classmethod
    def from_db(cls, city_names: Iterable[str]) -> DepartmentIndex:
        from yingshang.org.models import Department

        rows = Department.objects.filter(is_active=True).values_list(
            "pk", "code", "name", "short_name", "aliases"
        )
        return cls(list(rows), city_names)

    def lookup(self, name: str) -> tuple[DepartmentRef | None, bool]:
        """(department, ambiguous)."""
        key = name_key(name, self.city_names)
        for tier in self.tiers:
            refs = tier.get(key)
            if refs:
                if len(refs) == 1:
                    return next(iter(refs)), False
                return None, True
        return None, False

    def match(self, unit: Unit, mapping: dict[str, str] | None = None) -> tuple[DepartmentRef | None, bool]:
        if mapping and unit.written in mapping and mapping[unit.written] in self.by_code:
            return self.by_code[mapping[unit.written]], False
        cached = self._cache.get(unit)
        if cached is None:
            cached = self._cache[unit] = self._match(unit)
        return cached

    def _match(self, unit: Unit) -> tuple[DepartmentRef | None, bool]:
        ambiguous = False
        for candidate in (unit.written, unit.name, *unit.aliases):
            ref, amb = self.lookup(candidate)
            if ref is not None:
                return ref, False
            ambiguous = ambiguous or amb
        return None, ambiguous
