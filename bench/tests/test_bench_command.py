"""`bench --fail-on-errors` is how CI holds the load scenario to zero errors."""

import io

import pytest
from django.core.management import CommandError, call_command

from bench.suites import load as benchmarks


def _fake(errors: int):
    def bench(scale):
        yield {"bench": "load_all", "metric": "per_s", "value": 12.5, "scale": {"scale": scale}}
        yield {"bench": "load_all", "metric": "errors", "value": errors, "scale": {"scale": scale}}

    return [bench]


def test_errors_fail_the_command_only_when_asked(monkeypatch):
    monkeypatch.setattr(benchmarks, "BENCHMARKS", _fake(3))
    out = io.StringIO()
    call_command("bench", only="core", stdout=out)
    assert out.getvalue().count("\n") == 2
    with pytest.raises(CommandError, match="load_all: 3"):
        call_command("bench", only="core", fail_on_errors=True, stdout=io.StringIO())


def test_zero_errors_pass(monkeypatch):
    monkeypatch.setattr(benchmarks, "BENCHMARKS", _fake(0))
    call_command("bench", only="core", fail_on_errors=True, stdout=io.StringIO())
