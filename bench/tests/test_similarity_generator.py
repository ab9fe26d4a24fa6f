"""The benchmark's generator writes rows the appeals app's similarity index finds."""

from bench.generate import similarity as gen
from yingshang.appeals import similarity
from yingshang.appeals.models import SimilarityBand


def test_benchmark_generator_rows_are_found_by_the_index(db):
    gen.generate(600)
    assert gen.generated_count() == 600
    assert SimilarityBand.objects.count() == 600 * similarity.BANDS
    gen.generate(700)  # extends, does not start again
    assert gen.generated_count() == 700
    found = similarity.near_duplicates(gen.edited(gen.probe_text(3)))
    assert [m.appeal_id for m in found] == [gen.BASE_ID + 3]
