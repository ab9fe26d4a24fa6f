"""A 文号 names one document of the office in a year: numbering skips numbers other documents carry, and the
database refuses a forced duplicate."""

import pytest
from django.db import IntegrityError, transaction
from freezegun import freeze_time

from yingshang.assessment import bulletin as b
from yingshang.assessment import services
from yingshang.assessment.models import Bulletin
from yingshang.ledger import services as ledger


@pytest.fixture
def frozen(world, computed):
    with freeze_time("2026-10-11 09:00:00"):
        services.run_transition(actor=world["office"], run=computed, action="freeze")
    return computed


def test_bulletin_skips_a_number_a_recorded_policy_document_already_carries(world, frozen):
    ledger.policy_document_create(
        actor=world["office"], title="关于进一步优化营商环境的通知", doc_number="示营商办〔2026〕1号"
    )
    with freeze_time("2026-10-20 09:00:00"):
        first, _, _ = b.generate(actor=world["office"], run=frozen)
        services.run_transition(actor=world["office"], run=frozen, action="start_publicity")
        other = services.run_compute(actor=world["office"], period="2026-09", indicator_set=world["set"])
        services.run_transition(actor=world["office"], run=other, action="freeze")
        second, _, _ = b.generate(actor=world["office"], run=other)
    assert (first.number, second.number) == ("示营商办〔2026〕2号", "示营商办〔2026〕3号")


def test_a_forced_duplicate_number_is_refused_by_the_database(world, frozen):
    with freeze_time("2026-10-20 09:00:00"):
        first, _, _ = b.generate(actor=world["office"], run=frozen)
        services.run_transition(actor=world["office"], run=frozen, action="start_publicity")
        other = services.run_compute(actor=world["office"], period="2026-09", indicator_set=world["set"])
    second = Bulletin.objects.create(run=other, title="通报")
    with pytest.raises(IntegrityError), transaction.atomic():
        Bulletin.objects.filter(pk=second.pk).update(number=first.number)
    assert Bulletin.objects.get(pk=second.pk).number == ""
