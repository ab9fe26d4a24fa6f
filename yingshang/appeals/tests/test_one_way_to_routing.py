"""Appeals and routing depend one way: routing reads appeals and listens through `appeals.hooks`; no module
of the appeals app imports the routing app (the demo aside, which seeds both; the benchmarks live in `bench/`)."""

import ast
from pathlib import Path

APPEALS = Path(__file__).resolve().parents[1]


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
        if not {"tests", "migrations", "demo"} & set(path.relative_to(APPEALS).parts)
    }
    assert {k: v for k, v in offenders.items() if v} == {}
