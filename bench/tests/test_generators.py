"""The generators and benchmarks that run against the test database: what they write is what they say."""

from bench.generate import similarity as gen
from bench.suites import ledger_import
from yingshang.ledger.models import PolicyDocument, Task
from yingshang.routing import similarity
from yingshang.routing.models import SimilarityBand


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
