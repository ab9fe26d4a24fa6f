"""The appeals app feeds its similarity index on commit and takes duplicate candidates from it; the routing
app, listening through appeals.hooks, offers new appeals to automatic dispatch on commit when the office
turned it on."""

from datetime import timedelta

from django.utils import timezone

from yingshang.appeals import services, similarity
from yingshang.appeals.models import SimilarityBand, SimilarityDoc
from yingshang.appeals.tests.conftest import intake
from yingshang.core.office_settings import office_setting_change
from yingshang.routing import jobs as routing_jobs

TEXT = "我公司位于经开区纬二路，厂区东侧排水管网堵塞，每逢下雨院内积水没过脚踝，影响原料进出，请协调疏通。"


def test_index_is_fed_once_the_submit_commits(db, committed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        appeal = services.appeal_submit(actor=None, data=intake(description=TEXT, title="排水管网堵塞"))
    assert not SimilarityDoc.objects.filter(appeal_id=appeal.pk).exists()  # nothing before commit
    for callback in callbacks:
        callback()
    doc = SimilarityDoc.objects.get(appeal_id=appeal.pk)
    assert doc.title == "排水管网堵塞" and doc.at == appeal.received_at
    assert SimilarityBand.objects.filter(appeal_id=appeal.pk).count() == 16


def test_duplicate_candidates_come_from_the_index(db, committed):
    # The first appeal never reached the index (its on-commit work did not run): no link, although the
    # party and the text are the same. Indexed afterwards, the next repeat is linked to it.
    first = services.appeal_submit(actor=None, data=intake(description=TEXT, title="排水管网堵塞"))
    unseen = committed(
        services.appeal_submit, actor=None, data=intake(description=TEXT, title="排水管网堵塞")
    )
    assert unseen.duplicate_of is None
    similarity.appeal_index(appeal=first)
    repeat = committed(
        services.appeal_submit, actor=None, data=intake(description=TEXT + "再次反映。", title="排水管网堵塞")
    )
    assert repeat.duplicate_of == first  # the earliest of the same party, not the later `unseen`


def test_closed_or_already_linked_appeals_are_not_candidates(db, committed, office_user):
    first = committed(services.appeal_submit, actor=None, data=intake(description=TEXT, title="排水"))
    services.appeal_close_invalid(actor=office_user, appeal=first, reason="spam", note="测试")
    second = committed(services.appeal_submit, actor=None, data=intake(description=TEXT, title="排水"))
    assert second.duplicate_of is None
    third = committed(services.appeal_submit, actor=None, data=intake(description=TEXT, title="排水"))
    assert third.duplicate_of == second


def test_a_later_appeal_is_not_the_original_of_an_imported_older_one(db, committed):
    now = timezone.now()
    committed(services.appeal_submit, actor=None, data=intake(description=TEXT, title="排水"))
    older = committed(
        services.appeal_submit,
        actor=None,
        data=intake(description=TEXT, title="排水"),
        received_at=now - timedelta(days=3),
    )
    assert older.duplicate_of is None


class FakeJob:
    def __init__(self):
        self.enqueued = []

    def enqueue(self, *args):
        self.enqueued.append(args)


def test_auto_dispatch_is_enqueued_on_commit_only_when_turned_on(db, committed, office_user, monkeypatch):
    job = FakeJob()
    monkeypatch.setattr(routing_jobs, "consider_auto_dispatch", job)
    committed(services.appeal_submit, actor=None, data=intake())
    assert job.enqueued == []  # off by default
    office_setting_change(actor=office_user, key="routing.auto_dispatch_enabled", raw_value="true")
    appeal = services.appeal_submit(actor=None, data=intake())
    assert job.enqueued == []  # not before commit
    appeal = committed(services.appeal_submit, actor=None, data=intake())
    assert job.enqueued == [(appeal.pk,)]


def test_repeats_within_one_import_are_linked(db, office_user):
    row = {
        "enterprise_name": "示例测试科技有限公司",
        "credit_code": "",
        "contact_name": "李女士",
        "contact_phone": "13512345678",
        "category": "求助",
        "title": "排水管网堵塞",
        "description": TEXT,
    }
    first, second, other = services.appeals_import(
        actor=office_user,
        rows=[
            {**row, "external_id": "RX-1"},
            {**row, "external_id": "RX-2", "description": TEXT + "再次反映。"},
            {**row, "external_id": "RX-3", "contact_phone": "13600000000"},
        ],
    )
    assert second.duplicate_of == first
    assert other.duplicate_of is None  # another party
