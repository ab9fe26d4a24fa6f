"""Office overrides and year entry: they win over the package, are audited, refresh the day table in the
same transaction, and every deadline computed from them follows at once."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from yingshang.audit.models import AuditRecord
from yingshang.core.errors import PermissionRefused, ValidationFailed
from yingshang.org import roles as r
from yingshang.workdays import calendar as wd
from yingshang.workdays import services
from yingshang.workdays.models import CalendarOverride, CalendarStamp, CalendarYear, WorkCalendarDay

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")

# A made-up 2027 schedule for the tests (the real one is entered by the office once announced).
SCHEDULE_2027 = """
2027-01-01 休 元旦
2027-02-06至2027-02-13 休 春节
2027-02-14 班 春节调休
2027/10/1 - 2027/10/7 放假 国庆节
2027年10月9日 上班
"""


def table_matches_sources() -> None:
    """The stored table equals a fresh computation from the sources, ordinals included."""
    overrides = dict(CalendarOverride.objects.values_list("date", "is_workday"))
    complete = set(CalendarYear.objects.filter(complete=True).values_list("year", flat=True))
    stored = list(
        WorkCalendarDay.objects.order_by("date").values_list("date", "is_workday", "ordinal", "provisional")
    )
    expected, ordinal = [], 0
    for d, work, provisional in wd.compute_days(wd.EPOCH, stored[-1][0], overrides, complete):
        ordinal += work
        expected.append((d, work, ordinal, provisional))
    assert stored == expected


def test_deadline_into_2027_before_and_after_the_schedule_is_entered(office_user):
    received = datetime(2026, 12, 28, 10, tzinfo=SH)  # Monday
    before = wd.deadline_from_receipt(received, days=5)
    # 12-29, 12-30, 12-31, 2027-01-01 (a Friday, assumed worked), 01-04.
    assert (before.date, before.provisional) == (date(2027, 1, 4), True)
    assert wd.add_workdays_info(date(2026, 12, 28), 5) == (date(2027, 1, 4), True)

    services.calendar_override_set(actor=office_user, day=date(2027, 1, 1), is_workday=False, note="元旦")
    # One override does not make the year known: still provisional, but already recomputed.
    middle = wd.deadline_from_receipt(received, days=5)
    assert (middle.date, middle.provisional) == (date(2027, 1, 5), True)

    services.calendar_year_enter(
        actor=office_user, year=2027, text=SCHEDULE_2027, note="国办发明电〔2026〕×号"
    )
    after = wd.deadline_from_receipt(received, days=5)
    assert (after.date, after.provisional) == (date(2027, 1, 5), False)
    assert wd.is_provisional(date(2027, 6, 1)) is False
    assert wd.is_workday(date(2027, 2, 14)) is True  # a Sunday worked
    assert wd.add_workdays(date(2027, 2, 5), 1) == date(2027, 2, 14)
    assert wd.add_workdays(date(2027, 9, 30), 1) == date(2027, 10, 8)
    assert WorkCalendarDay.objects.get(date=date(2027, 1, 5)).provisional is False
    table_matches_sources()


def test_override_wins_over_the_package_and_table_ordinals_shift(office_user):
    ordinal_before = WorkCalendarDay.objects.get(date=date(2026, 12, 31)).ordinal
    services.calendar_override_set(
        actor=office_user, day=date(2026, 10, 8), is_workday=False, note="地方节日"
    )
    assert wd.is_workday(date(2026, 10, 8)) is False
    assert wd.add_workdays(date(2026, 9, 30), 1) == date(2026, 10, 9)
    assert WorkCalendarDay.objects.get(date=date(2026, 12, 31)).ordinal == ordinal_before - 1
    day = WorkCalendarDay.objects.get(date=date(2026, 10, 9))
    assert (
        wd.add_workdays(date(2026, 9, 30), 1)
        == WorkCalendarDay.objects.get(
            ordinal=WorkCalendarDay.objects.get(date=date(2026, 9, 30)).ordinal + 1, is_workday=True
        ).date
        == day.date
    )
    table_matches_sources()

    services.calendar_override_set(actor=office_user, day=date(2026, 10, 8), is_workday=True, note="恢复上班")
    assert WorkCalendarDay.objects.get(date=date(2026, 12, 31)).ordinal == ordinal_before
    override = CalendarOverride.objects.get(date=date(2026, 10, 8))
    services.calendar_override_remove(actor=office_user, override_id=override.pk)
    assert CalendarOverride.objects.count() == 0
    assert wd.is_workday(date(2026, 10, 8)) is True
    table_matches_sources()


def test_overrides_are_audited(office_user):
    override = services.calendar_override_set(
        actor=office_user, day=date(2027, 5, 3), is_workday=False, note="调休"
    )
    services.calendar_override_set(actor=office_user, day=date(2027, 5, 3), is_workday=True, note="改为上班")
    services.calendar_override_remove(actor=office_user, override_id=override.pk)
    records = list(
        AuditRecord.objects.filter(object_type="workdays.calendaroverride")
        .order_by("id")
        .values_list("action", "actor_username", "object_id", "before", "after")
    )
    name, pk = office_user.username, str(override.pk)
    assert records == [
        (
            "calendar_override.create",
            name,
            pk,
            None,
            {"date": "2027-05-03", "is_workday": False, "note": "调休"},
        ),
        (
            "calendar_override.change",
            name,
            pk,
            {"date": "2027-05-03", "is_workday": False, "note": "调休"},
            {"date": "2027-05-03", "is_workday": True, "note": "改为上班"},
        ),
        (
            "calendar_override.delete",
            name,
            pk,
            {"date": "2027-05-03", "is_workday": True, "note": "改为上班"},
            None,
        ),
    ]


def test_year_entry_and_mark_are_audited(office_user):
    services.calendar_year_enter(actor=office_user, year=2027, text="2027-01-01 休 元旦", note="依据")
    services.calendar_year_mark(actor=office_user, year=2027, complete=False)
    actions = list(
        AuditRecord.objects.filter(object_type="workdays.calendaryear")
        .order_by("id")
        .values_list("action", "after")
    )
    assert actions == [
        ("calendar_year.enter", {"complete": True, "note": "依据", "days": 1}),
        ("calendar_year.mark", {"complete": False, "note": ""}),
    ]
    assert wd.is_provisional(date(2027, 1, 4)) is True


@pytest.mark.parametrize("role", [r.LIAISON, r.DEPT_HEAD, r.LEADER, r.SYSADMIN, r.ENTERPRISE])
def test_only_the_office_changes_the_calendar(make_user, role):
    user = make_user(role)
    version = CalendarStamp.objects.get().version
    with pytest.raises(PermissionRefused):
        services.calendar_override_set(actor=user, day=date(2027, 1, 1), is_workday=False)
    with pytest.raises(PermissionRefused):
        services.calendar_year_enter(actor=user, year=2027, text="2027-01-01 休")
    with pytest.raises(PermissionRefused):
        services.calendar_year_mark(actor=user, year=2027, complete=True)
    assert CalendarOverride.objects.count() == 0
    assert CalendarYear.objects.count() == 0
    assert CalendarStamp.objects.get().version == version
    assert not AuditRecord.objects.filter(action__startswith="calendar_").exists()


def test_bad_schedule_lines_save_nothing(office_user):
    text = "2027-01-01 休 元旦\n2027-02-30 休\n2026-12-31 休\n明天 休\n2027-03-01 班\n2027-03-01 休"
    with pytest.raises(ValidationFailed) as exc:
        services.calendar_year_enter(actor=office_user, year=2027, text=text)
    assert exc.value.fields["text"] == [
        "第 2 行的日期不存在：“2027-02-30 休”。",
        "第 3 行的日期不在 2027 年：“2026-12-31 休”。",
        "第 4 行无法识别：“明天 休”。格式示例：2027-01-01 休 元旦，或 2027-02-07 班。",
        "第 6 行与前面的行矛盾：2027-03-01。",
    ]
    assert CalendarOverride.objects.count() == 0
    assert CalendarYear.objects.count() == 0
    assert wd.is_workday(date(2027, 1, 1)) is True


def test_parse_schedule_accepts_common_forms():
    lines = services.parse_schedule(2027, SCHEDULE_2027)
    off = [line.day for line in lines if not line.is_workday]
    work = [line.day for line in lines if line.is_workday]
    assert off == [date(2027, 1, 1)] + [date(2027, 2, d) for d in range(6, 14)] + [
        date(2027, 10, d) for d in range(1, 8)
    ]
    assert work == [date(2027, 2, 14), date(2027, 10, 9)]
    assert lines[0].note == "元旦"


def test_a_rolled_back_change_leaves_the_calendar_unchanged(office_user):
    assert wd.is_workday(date(2027, 1, 1)) is True
    with pytest.raises(RuntimeError), transaction.atomic():
        services.calendar_override_set(actor=office_user, day=date(2027, 1, 1), is_workday=False)
        assert wd.is_workday(date(2027, 1, 1)) is False
        raise RuntimeError
    assert wd.is_workday(date(2027, 1, 1)) is True
    assert WorkCalendarDay.objects.get(date=date(2027, 1, 1)).is_workday is True


def test_calendar_loads_from_the_table_or_computes_the_same(office_user):
    services.calendar_override_set(actor=office_user, day=date(2026, 12, 31), is_workday=False)
    assert wd.calendar_source() == "table"
    from_table = [wd.add_workdays(date(2026, 1, 1), k) for k in range(0, 400, 7)]
    # Without a table (e.g. never built) the calendar computes the same answers from the sources.
    WorkCalendarDay.objects.all().delete()
    CalendarStamp.objects.update(table_version="", table_start=None, table_end=None)
    wd.invalidate()
    assert wd.calendar_source() == "computed"
    assert [wd.add_workdays(date(2026, 1, 1), k) for k in range(0, 400, 7)] == from_table
    # A change with no table built leaves the table alone; building it afterwards matches the sources.
    services.calendar_override_set(actor=office_user, day=date(2027, 1, 1), is_workday=False)
    assert WorkCalendarDay.objects.count() == 0
    rows = services.calendar_table_build()
    assert rows == (wd.table_end() - wd.EPOCH).days + 1
    table_matches_sources()
    wd.invalidate()
    assert wd.calendar_source() == "table"
    assert wd.is_workday(date(2027, 1, 1)) is False


def test_table_extend_only_when_short(office_user):
    assert services.calendar_table_extend() == 0
    CalendarStamp.objects.update(table_end=wd.table_end() - timedelta(days=365))
    assert services.calendar_table_extend() == (wd.table_end() - wd.EPOCH).days + 1


def test_a_change_made_by_another_process_is_seen_after_the_recheck_interval(monkeypatch):
    assert wd.is_workday(date(2027, 1, 1)) is True
    # Another process writes an override and bumps the version (simulated by writing the rows directly).
    CalendarOverride.objects.create(date=date(2027, 1, 1), is_workday=False)
    CalendarStamp.objects.update(version="changed-elsewhere", table_version="")
    monkeypatch.setattr(wd, "_recheck", 3600.0)
    assert wd.is_workday(date(2027, 1, 1)) is True  # still trusting its copy within the interval
    monkeypatch.setattr(wd, "_recheck", 0.0)
    assert wd.is_workday(date(2027, 1, 1)) is False
    assert wd.calendar_source() == "computed"  # the table was not rebuilt at that version


def test_periodic_job_extends_the_table_when_short():
    from yingshang.workdays.jobs import extend_calendar_table

    assert extend_calendar_table.enqueue().return_value == 0
    CalendarStamp.objects.update(table_end=date(2026, 12, 31))
    assert extend_calendar_table.enqueue().return_value == (wd.table_end() - wd.EPOCH).days + 1
    assert WorkCalendarDay.objects.order_by("-date").values_list("date", flat=True).first() == wd.table_end()


def test_registered_recompute_tasks_run_after_commit(
    office_user, monkeypatch, django_capture_on_commit_callbacks
):
    from yingshang.workdays import hooks
    from yingshang.workdays.tests.services import recompute_probe

    monkeypatch.setattr(hooks, "RECOMPUTE_TASKS", [])
    hooks.register_recompute("yingshang.workdays.tests.services.recompute_probe.record_recompute")
    recompute_probe.CALLS.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.calendar_override_set(actor=office_user, day=date(2027, 1, 1), is_workday=False)
        services.calendar_year_enter(actor=office_user, year=2027, text="2027-02-14 班")
    assert recompute_probe.CALLS == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert recompute_probe.CALLS == [("2027-01-01", "2027-01-01"), ("2027-01-01", "2027-12-31")]
    # A refused change enqueues nothing.
    recompute_probe.CALLS.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationFailed):
        services.calendar_year_enter(actor=office_user, year=2027, text="nonsense")
    assert recompute_probe.CALLS == []
