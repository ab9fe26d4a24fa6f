"""The tree's own Python and template files, parsed once, for the tests that read the code itself."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3]  # yingshang/
SKIPPED_PARTS = {"tests", "migrations", "__pycache__", "node_modules", "static"}


def relative(path: Path) -> str:
    """The path as written in the allow-lists: "yingshang/ledger/views.py"."""
    return path.relative_to(PACKAGE.parent).as_posix()


@cache
def python_files() -> tuple[Path, ...]:
    """Every module of the apps, without tests and migrations."""
    return tuple(
        sorted(p for p in PACKAGE.rglob("*.py") if not SKIPPED_PARTS & set(p.relative_to(PACKAGE).parts))
    )


@cache
def template_files() -> tuple[Path, ...]:
    return tuple(sorted(PACKAGE.rglob("templates/**/*.html")))


@cache
def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def app_of(path: Path) -> str:
    """ "ledger" for yingshang/ledger/importing/views.py."""
    return path.relative_to(PACKAGE).parts[0]


def called_name(call: ast.Call) -> str:
    """The last name of what is called: "create" for Model.objects.create(...), "ValidationFailed" for
    errors.ValidationFailed(...)."""
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""
