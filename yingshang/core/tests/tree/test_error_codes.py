"""Every error code the tree raises is declared in its app's errors.CODES (and so listed in the API
description), and the apps raise specific codes rather than the generic "invalid"."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps

from yingshang.core.errors import CODES as CORE_CODES
from yingshang.core.errors import codes_markdown, declared_codes

from .source import app_of, called_name, parsed, python_files, relative

BASE_ERRORS = {"ApplicationError", "ValidationFailed", "NotFound", "PermissionRefused", "TransitionRefused"}
BASE_ERRORS |= {"ConcurrentChange"}
# "ledger.report_percent_range": an app's code, wherever a helper passes it on.
APP_CODE = re.compile(r"^[a-z]+\.[a-z0-9_]+$")

# Apps whose raises other branches are giving specific codes at this moment; the lead empties this after
# merging them, and from then on both checks cover the whole tree.
APPS_NOT_YET_CODED: tuple[str, ...] = ()

Tree = tuple[str, ast.Module]


def _tree() -> list[Tree]:
    return [(relative(path), parsed(path)) for path in python_files()]


def _error_classes(modules: Iterable[Tree]) -> set[str]:
    """The ApplicationError family: the base classes and every subclass defined in the tree."""
    family = set(BASE_ERRORS)
    classes = [node for _, module in modules for node in ast.walk(module) if isinstance(node, ast.ClassDef)]
    grew = True
    while grew:
        grew = False
        for node in classes:
            bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
            if node.name not in family and bases & family:
                family.add(node.name)
                grew = True
    return family


def _class_code(node: ast.ClassDef) -> ast.Assign | None:
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and [getattr(t, "id", "") for t in stmt.targets] == ["code"]:
            return stmt
    return None


def raised_codes(modules: list[Tree]) -> list[tuple[str, int, str]]:
    """(file, line, code) for each literal code the tree gives an error: `code="..."` passed to a member
    of the family, any `<app>.<what>` passed on as `code=` to a helper, and `code = "..."` on a subclass."""
    family = _error_classes(modules)
    found = []
    for path, module in modules:
        for node in ast.walk(module):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    value = kw.value.value if isinstance(kw.value, ast.Constant) else None
                    passed_on = isinstance(value, str) and APP_CODE.match(value)
                    if (
                        kw.arg == "code"
                        and isinstance(value, str)
                        and (called_name(node) in family or passed_on)
                    ):
                        found.append((path, node.lineno, value))
            elif isinstance(node, ast.ClassDef) and node.name in family - BASE_ERRORS:
                stmt = _class_code(node)
                if stmt is not None and isinstance(stmt.value, ast.Constant):
                    found.append((path, stmt.lineno, stmt.value.value))
    return found


def generic_validation_errors(modules: list[Tree]) -> list[str]:
    """ValidationFailed raised without a code, or with the generic "invalid"."""
    generic = []
    for path, module in modules:
        for node in ast.walk(module):
            if isinstance(node, ast.Call) and called_name(node) == "ValidationFailed":
                code = next((kw.value for kw in node.keywords if kw.arg == "code"), None)
                if code is None or (isinstance(code, ast.Constant) and code.value == "invalid"):
                    generic.append(f"{path}:{node.lineno}")
    return generic


def _coded(modules: list[Tree]) -> list[Tree]:
    return [(path, module) for path, module in modules if path.split("/")[1] not in APPS_NOT_YET_CODED]


def test_every_raised_code_is_declared():
    declared = declared_codes()
    undeclared = [
        f"{path}:{line} {code}" for path, line, code in raised_codes(_coded(_tree())) if code not in declared
    ]
    assert undeclared == []


def test_no_generic_validation_error_in_coded_apps():
    assert generic_validation_errors(_coded(_tree())) == []


def test_the_not_yet_coded_apps_exist():
    """A name left in the list after its app was renamed or removed would hide nothing and mislead."""
    assert {app_of(path) for path in python_files()} >= set(APPS_NOT_YET_CODED)


def test_the_checks_see_what_they_look_for():
    sample = ast.parse(
        "class Refused(ValidationFailed):\n"
        "    code = 'notify.refused'\n"
        "raise ValidationFailed('x', code='notify.no_such_code')\n"
        "raise _refuse('y', 'z', code='core.passed_on')\n"
        "raise ValidationFailed('plain')\n"
        "raise ValidationFailed('old', code='invalid')\n"
        "raise NotFound(code='not_found')\n"
        "Department(code='SCJ')\n"
    )
    modules = [("yingshang/notify/sample.py", sample)]
    assert raised_codes(modules) == [
        ("yingshang/notify/sample.py", 2, "notify.refused"),
        ("yingshang/notify/sample.py", 3, "notify.no_such_code"),
        ("yingshang/notify/sample.py", 4, "core.passed_on"),
        ("yingshang/notify/sample.py", 6, "invalid"),
        ("yingshang/notify/sample.py", 7, "not_found"),
    ]
    assert generic_validation_errors(modules) == [
        "yingshang/notify/sample.py:5",
        "yingshang/notify/sample.py:6",
    ]


def test_each_app_declares_codes_under_its_own_name():
    strangers = []
    for config in apps.get_app_configs():
        if config.name.startswith("yingshang.") and find_spec(f"{config.name}.errors"):
            codes = import_module(f"{config.name}.errors").CODES
            if codes is not CORE_CODES:
                strangers += [c for c in codes if not c.startswith(f"{config.label}.")]
    assert strangers == []


def test_the_api_description_lists_the_codes(client, db):
    description = client.get("/api/openapi.json").json()["info"]["description"]
    assert codes_markdown() in description
    assert "| `org.reset_link_invalid` | 密码重置链接无效、已使用或已过期 |" in description
