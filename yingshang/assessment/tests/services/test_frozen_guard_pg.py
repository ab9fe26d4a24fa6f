"""On PostgreSQL the database itself refuses changes to a frozen snapshot."""

import pytest
from django.db import DatabaseError, connection, transaction
from freezegun import freeze_time

from yingshang.assessment import services
from yingshang.assessment.models import AssessmentRun, ResultLine

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database trigger on PostgreSQL only"
)


def test_trigger_refuses_changes_to_a_frozen_snapshot(world, computed):
    # A draft can still change (recomputing replaces its lines).
    ResultLine.objects.filter(run=computed).update(contribution=1)
    with freeze_time("2026-10-11 09:00:00"):
        services.run_transition(actor=world["office"], run=computed, action="freeze")
    for change in (
        lambda: ResultLine.objects.filter(run=computed).update(contribution=99),
        lambda: ResultLine.objects.filter(run=computed).delete(),
        lambda: computed.results.update(score=0),
        lambda: AssessmentRun.objects.filter(pk=computed.pk).update(inputs={}),
        lambda: AssessmentRun.objects.filter(pk=computed.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()
    # The workflow may still move it on.
    with freeze_time("2026-10-12 09:00:00"):
        services.run_transition(actor=world["office"], run=computed, action="start_publicity")
    assert AssessmentRun.objects.get(pk=computed.pk).state == "publicity"
