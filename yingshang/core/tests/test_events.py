from yingshang.core.events import record_timeline, record_timeline_many, timeline_for


def test_bulk_timeline_writes_the_same_rows_as_one_by_one(make_department, office_user):
    one, two = make_department(), make_department()
    record_timeline(one, actor=office_user, action="remind", label="催办", note="请按时反馈")
    assert (
        record_timeline_many(
            [{"obj": two, "actor": office_user, "action": "remind", "label": "催办", "note": "请按时反馈"}]
        )
        == 1
    )
    fields = ("actor_id", "action", "label", "from_state", "to_state", "note", "data")
    a, b = timeline_for(one).get(), timeline_for(two).get()
    assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields]


def test_timeline_takes_the_time_of_the_step(make_department, office_user):
    import datetime as dt

    from django.utils import timezone

    one, two = make_department(), make_department()
    when = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 30))
    record_timeline(one, actor=office_user, action="create", label="建立", at=when)
    record_timeline_many(
        [
            {"model": type(two), "object_id": two.pk, "action": "create", "label": "建立", "data": {"n": 1}},
            {"obj": two, "action": "remind", "label": "催办", "at": when + dt.timedelta(days=1)},
        ],
        at=when,
    )
    assert timeline_for(one).get().at == when
    assert [(e.at, e.action, e.actor_id, e.data) for e in timeline_for(two)] == [
        (when, "create", None, {"n": 1}),
        (when + dt.timedelta(days=1), "remind", None, {}),
    ]
    assert record_timeline_many([]) == 0


def test_timeline_at_dates_every_line_written_inside(make_department, office_user):
    import datetime as dt

    from django.utils import timezone

    from yingshang.core.events import timeline_at

    one = make_department()
    when = timezone.make_aware(dt.datetime(2026, 4, 1, 10, 30))
    with timeline_at(when):
        record_timeline(one, actor=office_user, action="a", label="甲")
        record_timeline_many([{"obj": one, "action": "b", "label": "乙"}])
        record_timeline(one, actor=office_user, action="c", label="丙", at=when + dt.timedelta(hours=1))
    record_timeline(one, actor=office_user, action="d", label="丁")
    got = [(e.action, e.at) for e in timeline_for(one)]
    assert got[:3] == [("a", when), ("b", when), ("c", when + dt.timedelta(hours=1))]
    assert got[3][0] == "d" and got[3][1] > when + dt.timedelta(days=30)
