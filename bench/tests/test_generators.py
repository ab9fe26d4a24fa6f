"""The generators and benchmarks that run against the test database: what they write is what they say."""

from bench.generate import appeals as appeals_generator
from bench.generate import ledger as ledger_generator
from bench.generate import similarity as gen
from bench.suites import ledger_import
from yingshang.appeals import similarity
from yingshang.appeals.models import Appeal, Dispatch, SimilarityBand
from yingshang.ledger.models import PolicyDocument, Task


def test_bench_import_leaves_the_database_as_it_was(db):
    lines = list(ledger_import.bench_import("tiny"))
    assert [line["bench"] for line in lines] == [
        "ledger_import_dry_run",
        "ledger_import_commit",
        "ledger_import_dry_run_plus_commit",
        "ledger_import_reimport_dry_run_from_file",
        "ledger_import_errors",
    ]
    assert lines[-1]["value"] == 0
    assert Task.objects.count() == 0 and PolicyDocument.objects.count() == 0


def test_benchmark_generator_rows_are_found_by_the_index(db):
    gen.generate(600)
    assert gen.generated_count() == 600
    assert SimilarityBand.objects.count() == 600 * similarity.BANDS
    gen.generate(700)  # extends, does not start again
    assert gen.generated_count() == 700
    found = similarity.near_duplicates(gen.edited(gen.probe_text(3)))
    assert [m.appeal_id for m in found] == [gen.BASE_ID + 3]


def test_ledger_generator_makes_the_sizes_asked_and_tops_up_reports(db):
    sizes = {"departments": 4, "documents": 2, "measures": 4, "tasks": 12, "reports": 300}
    counts = ledger_generator.generate("tiny", sizes=sizes, log=lambda _: None)
    assert {k: counts[k] for k in ("departments", "tasks", "measures")} == {
        "departments": 4,
        "tasks": 12,
        "measures": 4,
    }
    assert counts["reports"] >= 300
    assert set(ledger_generator.bench_users()) == {"gen_office", "gen_leader", "gen_liaison"}
    assert not ledger_generator.generated("small")


def test_appeals_generator_writes_the_count_with_their_dispatches(db):
    appeals_generator.generate(60, seed=1, log=lambda _: None)
    assert Appeal.objects.count() == 60
    dispatched = Appeal.objects.exclude(main_department=None).exclude(state="returned")
    assert Dispatch.objects.filter(appeal__in=dispatched).count() >= dispatched.count() > 0
    appeals_generator.generate(5, seed=2, log=lambda _: None)  # more on top: ids continue
    assert Appeal.objects.count() == 65
