import sys

import pytest
from django.test import override_settings

from yingshang.notify import retry

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


def test_backoff_grows_and_is_capped():
    assert [retry.backoff_seconds(n, base=60, cap=600) for n in range(1, 7)] == [60, 120, 240, 480, 600, 600]


calls: list[int] = []


@retry.retrying(max_attempts=3, base_seconds=30)
def flaky_job(x: int) -> int:
    calls.append(x)
    raise RuntimeError("boom")


@override_settings(TASKS=DUMMY)
def test_failed_job_requeues_itself_with_growing_delay(monkeypatch):
    from django_tasks import task

    wrapped = task()(flaky_job)
    # The wrapper finds its task by module path, as it would for a module-level @task.
    monkeypatch.setattr(sys.modules[__name__], "flaky_job", wrapped)
    backend = wrapped.get_backend()
    backend.clear()
    with pytest.raises(RuntimeError):
        wrapped.call(7)
    assert len(backend.results) == 1
    first = backend.results[0]
    assert first.kwargs == {"_attempt": 2}
    assert first.args == [7] or first.args == (7,)
    with pytest.raises(RuntimeError):
        wrapped.call(7, _attempt=2)
    second = backend.results[1]
    assert second.kwargs == {"_attempt": 3}
    assert (second.task.run_after - first.task.run_after).total_seconds() > 25
    # The last attempt does not re-queue.
    with pytest.raises(RuntimeError):
        wrapped.call(7, _attempt=3)
    assert len(backend.results) == 2
    assert calls == [7, 7, 7]


@pytest.mark.django_db
@override_settings(TASKS=DUMMY)
def test_failed_delivery_requeues_its_job_for_the_retry_time(make_user, robot, department_robot):
    from django.utils import timezone

    from yingshang.notify import services
    from yingshang.notify.jobs import deliver
    from yingshang.notify.models import Delivery

    user = make_user("liaison")
    services.preferences_set(actor=user, choices={"reminder": {"webhook"}})
    department_robot(user, robot.url)
    robot.status = 500
    services.notify(recipients=[user], kind="reminder", title="催办")
    delivery = Delivery.objects.get()
    backend = deliver.get_backend()
    backend.clear()
    assert deliver.call(delivery.pk) == "retry"
    [queued] = backend.results
    assert queued.args in ([delivery.pk], (delivery.pk,))
    wait = (queued.task.run_after - timezone.now()).total_seconds()
    assert 55 <= wait <= 61
    delivery.refresh_from_db()
    assert abs((delivery.next_attempt_at - queued.task.run_after).total_seconds()) < 2
