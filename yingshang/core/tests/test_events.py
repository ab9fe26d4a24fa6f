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
