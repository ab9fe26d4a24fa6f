"""The benchmarks `make bench` runs: one module per app, each with `BENCHMARKS`, a list of callables
`(scale: str) -> Iterable[dict]` yielding the lines described in bench/common.py. `bench --only` names them
by app label, in this order; the load scenario over the whole app answers to `core`."""

from importlib import import_module
from typing import Any

SUITES = {
    "core": "load",
    "org": "org",
    "audit": "audit",
    "workdays": "workdays",
    "ledger": "ledger",
    "appeals": "appeals",
    "supervision": "supervision",
    "assessment": "assessment",
    "dashboard": "dashboard",
    "routing": "routing",
}


def benchmarks(label: str) -> list[Any]:
    return import_module(f"{__name__}.{SUITES[label]}").BENCHMARKS
