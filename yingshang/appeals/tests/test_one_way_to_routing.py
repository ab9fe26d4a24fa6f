"""Appeals and routing depend one way: routing reads appeals and listens through `appeals.hooks`; no module
of the appeals app imports the routing app (demo and benchmark tooling aside, which seed both)."""

import ast
from pathlib import Path

APPEALS = Path(__file__).resolve().parents[1]
TOOLING = {"demo.py", "benchmarks.py", "generate_appeals.py"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_appeals_module_imports_routing(db):
    offenders = {
        str(path.relative_to(APPEALS)): sorted(n for n in _imports(path) if n.startswith("yingshang.routing"))
        for path in APPEALS.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts and path.name not in TOOLING
    }
    assert {k: v for k, v in offenders.items() if v} == {}
