"""A workflow state is written once: in its model's TextChoices or its app's workflow table. Views, API,
services, selectors and templates name it through those (`Delivery.Status.FAILED`,
`{% if d.status == d.Status.FAILED %}`), so renaming a state cannot leave a comparison silently false."""

from __future__ import annotations

import ast
import re
from collections import Counter
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

from django.apps import apps
from django.db import models

from yingshang.core.workflow import Workflow

from .source import PACKAGE, parsed, python_files, relative, template_files

# Python modules whose literals are checked: interfaces, services and selectors (packages of them too).
CHECKED_LAYERS = {"views", "api", "services", "selectors"}
# Where a string literal is about a state: the name of a keyword argument or dict key...
STATE_NAME = re.compile(r"(^|__)(state|status)(__in|__exact)?$")
# ...and, in a template, a comparison in an {% if %} / {% elif %} tag.
TEMPLATE_TAG = re.compile(r"{%-?\s*(?:if|elif)\b(.*?)%}", re.S)
QUOTED = re.compile(r"""["']([a-z_]+)["']""")

# Words that are also states but mean something else here, each with why.
NOT_STATES = {
    (
        "yingshang/org/selectors.py",
        "pending",
    ): "the account list's filter value for roles awaiting confirmation",
    ("yingshang/org/templates/org/manage/account_list.html", "pending"): "the same filter's <option>",
}

# Today's state literals in the apps other branches are cleaning up at this moment, per file. The lead
# empties this after merging them; a file may have fewer, never more.
KNOWN_VIOLATIONS_TO_REMOVE: dict[str, int] = {}


def state_values() -> set[str]:
    """Every state of every app: its models' State/Status TextChoices and its workflow tables."""
    states: set[str] = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("yingshang."):
            continue
        for model in config.get_models():
            for name in ("State", "Status"):
                enum = model.__dict__.get(name)
                if isinstance(enum, type) and issubclass(enum, models.TextChoices):
                    states |= set(enum.values)
        if find_spec(f"{config.name}.workflow"):
            module = import_module(f"{config.name}.workflow")
            states |= {s for w in vars(module).values() if isinstance(w, Workflow) for s in w.states}
    return states


def _strings(node: ast.AST) -> list[ast.Constant]:
    items = node.elts if isinstance(node, ast.Tuple | ast.List | ast.Set) else [node]
    return [i for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]


def _about_state(node: ast.AST, states: set[str]) -> list[ast.Constant]:
    """The string literals this node uses as a state, if it is one of the places a state is named."""
    if isinstance(node, ast.Compare):
        return [c for side in (node.left, *node.comparators) for c in _strings(side)]
    if isinstance(node, ast.Call):
        return [c for kw in node.keywords if kw.arg and STATE_NAME.search(kw.arg) for c in _strings(kw.value)]
    if isinstance(node, ast.Assign) and any(
        isinstance(t, ast.Attribute) and t.attr in {"state", "status"} for t in node.targets
    ):
        return _strings(node.value)
    if isinstance(node, ast.Dict):
        return [
            c
            for k, v in zip(node.keys, node.values, strict=True)
            if isinstance(k, ast.Constant) and isinstance(k.value, str) and STATE_NAME.search(k.value)
            for c in _strings(v)
        ]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        # A literal collection of states: OPEN = ("pending", "sent").
        found = _strings(node)
        if len(found) >= 2 and len(found) == len(node.elts) and all(c.value in states for c in found):
            return found
    return []


def python_state_literals(module: ast.Module, states: set[str]) -> list[tuple[int, str]]:
    found = {(c.lineno, c.value) for node in ast.walk(module) for c in _about_state(node, states)}
    return sorted((line, value) for line, value in found if value in states)


def template_state_literals(text: str, states: set[str]) -> list[tuple[int, str]]:
    return [
        (text.count("\n", 0, tag.start()) + 1, word)
        for tag in TEMPLATE_TAG.finditer(text)
        for word in QUOTED.findall(tag.group(1))
        if word in states
    ]


def _checked(path: Path) -> bool:
    parts = path.relative_to(PACKAGE).parts
    return bool(CHECKED_LAYERS & {*parts[:-1], path.stem.split("_")[0]})


def test_no_state_literal_outside_models_and_workflows():
    states = state_values()
    found: list[tuple[str, int, str]] = []
    for path in python_files():
        if _checked(path):
            found += [(relative(path), *hit) for hit in python_state_literals(parsed(path), states)]
    for path in template_files():
        found += [(relative(path), *hit) for hit in template_state_literals(path.read_text("utf-8"), states)]
    found = [(path, line, value) for path, line, value in found if (path, value) not in NOT_STATES]
    counts = Counter(path for path, _, _ in found)
    over = {path: n for path, n in counts.items() if n > KNOWN_VIOLATIONS_TO_REMOVE.get(path, 0)}
    assert over == {}, [f"{path}:{line} {value!r}" for path, line, value in found if path in over]


def test_the_check_sees_each_way_a_state_is_written():
    states = {"pending", "failed", "closed", "sent"}
    sample = ast.parse(
        "if delivery.status == 'failed': pass\n"  # 1
        "Delivery.objects.filter(status__in=['pending', 'sent'])\n"  # 2
        "task.state = 'closed'\n"  # 3
        "record(before={'status': 'failed'})\n"  # 4
        "OPEN = ('pending', 'sent')\n"  # 5
        "if action == 'confirm': pass\n"
        "label = 'closed'\n"
        "messages = ['failed', 'to send']\n"
    )
    assert python_state_literals(sample, states) == [
        (1, "failed"),
        (2, "pending"),
        (2, "sent"),
        (3, "closed"),
        (4, "failed"),
        (5, "pending"),
        (5, "sent"),
    ]
    template = '{% if d.status == "failed" %}x{% endif %}\n{% elif s in "pending closed" %}\n<b>"sent"</b>'
    assert template_state_literals(template, states) == [(1, "failed")]


def test_states_are_found_in_models_and_workflows():
    states = state_values()
    assert {"pending", "failed", "answered", "pending_head", "not_started"} <= states


def test_the_lists_name_files_that_exist():
    named = {*KNOWN_VIOLATIONS_TO_REMOVE, *(path for path, _ in NOT_STATES)}
    assert [p for p in named if not (PACKAGE.parent / p).exists()] == []
