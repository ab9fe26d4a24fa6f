"""Every write of smart dispatch: training and activating models, rolling back, automatic dispatch and its
feedback, and hotspot snapshots. Routing reads the appeals app (its history, its dispatch service, its
similarity index) and hears of new appeals through `appeals.hooks`; the appeals app never imports it.
Reads used by pages live in selectors.py."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

import sklearn
from django.db import transaction
from django.utils import timezone

from yingshang.appeals import services as appeal_services
from yingshang.appeals import similarity
from yingshang.appeals.models import Appeal, Dispatch
from yingshang.audit.events import record as audit_record
from yingshang.core.errors import ValidationFailed
from yingshang.core.office_settings import get_setting
from yingshang.org import roles as r
from yingshang.org import services as org_services
from yingshang.org.models import Department, User

from . import jobs, modelstore
from .hotspots import Hotspot, places_in, top_words_of
from .models import AutoDispatch, HotspotSnapshot, RoutingModel, TrainingRun
from .selectors import hotspots_now
from .textmodel import DEFAULT_VARIANT, TextRouter, check_text, evaluate, metrics, prepare

log = logging.getLogger(__name__)
Progress = Callable[[int, str], None]

# Appeals whose main department is the one that finally handled them (signed, replied or concluded):
# the first guesses that were returned never reach these states with that department.
HANDLED_STATES = (Appeal.State.SIGNED, Appeal.State.REPLIED, Appeal.State.CONCLUDED)
SYSTEM_USERNAME = "smart-dispatch"


class Suggestion(NamedTuple):
    department: Any  # org.Department
    confidence: float
    similar_appeal_ids: list[Any]


# ------------------------------------------------------------------------------ training


def _new_version(now: datetime) -> str:
    return f"{timezone.localtime(now):%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"


@transaction.atomic
def _activate(*, actor: Any, model: RoutingModel, action: str) -> RoutingModel:
    before = RoutingModel.objects.filter(is_active=True).values_list("version", flat=True).first()
    RoutingModel.objects.filter(is_active=True).exclude(pk=model.pk).update(is_active=False)
    model.is_active = True
    model.activated_at = timezone.now()
    model.save(update_fields=["is_active", "activated_at"])
    audit_record(
        actor=actor, action=action, obj=model, before={"active": before}, after={"active": model.version}
    )
    return model


def model_activate(
    *, actor: Any, model: RoutingModel, action: str = "routing_model.activate"
) -> RoutingModel:
    """Switch to `model` after reading its file; a refused file leaves the model in use untouched."""
    modelstore.load(modelstore.models_dir() / model.file_name)  # raises ModelFileRefused
    return _activate(actor=actor, model=model, action=action)


def model_rollback(*, actor: Any) -> RoutingModel:
    """Back to the version trained before the one in use."""
    current = RoutingModel.objects.filter(is_active=True).first()
    if current is None:
        raise ValidationFailed("当前没有在用的派单模型，无需回退。", code="routing.no_active_model")
    previous = (
        RoutingModel.objects.filter(created_at__lte=current.created_at)
        .exclude(pk=current.pk)
        .exclude(created_at=current.created_at, pk__gt=current.pk)
        .order_by("-created_at", "-id")
        .first()
    )
    if previous is None:
        raise ValidationFailed("没有更早的模型版本可以回退。", code="routing.no_earlier_model")
    return model_activate(actor=actor, model=previous, action="routing_model.rollback")


def model_train(
    *,
    actor: Any,
    texts: Sequence[str],
    labels: Sequence[str],
    ids: Sequence[Any] | None = None,
    source: str,
    label_names: dict[str, str] | None = None,
    min_examples: int | None = None,
    variant: str = DEFAULT_VARIANT,
    holdout: float = 0.2,
    activate: bool = True,
    progress: Progress | None = None,
) -> RoutingModel:
    """Train, measure on held-back examples, write a versioned file and (by default) switch to it.

    Labels with fewer than `min_examples` usable texts are left out and named in `left_out`."""
    from sklearn.model_selection import train_test_split

    report = progress or (lambda pct, msg: None)
    minimum = int(min_examples if min_examples is not None else get_setting("routing.min_examples"))
    names = label_names or {}
    data = prepare(texts, labels, ids=ids, min_examples=minimum)
    left_out = {names.get(k, k): n for k, n in data.left_out.items()}
    if len(set(data.labels)) < 2:
        named = "、".join(f"{k}（{n} 条）" for k, n in left_out.items())
        raise ValidationFailed(
            f"办理历史不足，无法训练：至少需要两个单位各有 {minimum} 条以上可用的诉求。"
            + (f"样本不足的单位：{named}。" if named else ""),
            code="routing.history_too_small",
        )
    report(10, "已整理训练数据")
    held_metrics: dict[str, Any] = {}
    if holdout and len(data.labels) >= 20:
        tr_x, te_x, tr_y, te_y = train_test_split(
            data.texts, data.labels, test_size=holdout, stratify=data.labels, random_state=0
        )
        router, scores, _, per_item = evaluate(tr_x, tr_y, te_x, te_y, variant=variant)
        held_metrics = metrics(te_y, router.labels, scores)
        held_metrics.update(n_train=len(tr_x), n_test=len(te_x), predict_ms_per_item=round(per_item, 4))
    report(50, "已完成留出集评估")
    started = time.perf_counter()
    router = TextRouter(variant).fit(data.texts, data.labels)
    train_seconds = time.perf_counter() - started
    report(80, "已完成全量训练")
    support = modelstore.SupportIndex(data.texts, data.labels, data.ids)
    now = timezone.now()
    version = _new_version(now)
    file_name = f"routing-{version}.joblib"
    meta = {
        "version": version,
        "created_at": now.isoformat(),
        "labels": router.labels,
        "label_names": {k: names.get(k, k) for k in router.labels},
        "left_out": left_out,
        "metrics": held_metrics,
        "variant": variant,
        "source": source,
        "n_train": len(data.labels),
    }
    modelstore.save(modelstore.models_dir() / file_name, router=router, support=support, meta=meta)
    report(90, "已保存模型文件")
    with transaction.atomic():
        model = RoutingModel(
            version=version,
            file_name=file_name,
            source=source,
            variant=variant,
            format_version=modelstore.FORMAT_VERSION,
            sklearn_version=sklearn.__version__,
            labels=router.labels,
            label_names=meta["label_names"],
            left_out=left_out,
            metrics=held_metrics,
            n_train=len(data.labels),
            train_seconds=round(train_seconds, 3),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        model.full_clean()
        model.save()
        audit_record(
            actor=actor,
            action="routing_model.train",
            obj=model,
            after={"version": version, "n_train": model.n_train, "macro_f1": held_metrics.get("macro_f1")},
            detail="；".join(f"{k} {n} 条" for k, n in left_out.items()),
        )
        if activate:
            model_activate(actor=actor, model=model)
    report(100, "训练完成")
    return model


def history_examples() -> tuple[list[str], list[str], list[int], dict[str, str]]:
    """(texts, labels, appeal ids, {label: department name}) from the appeals that were finally handled.
    An appeal whose automatic dispatch was returned is counted twice: the correction is the signal."""
    feedback_sync()
    corrected = set(AutoDispatch.objects.filter(returned=True).values_list("appeal_id", flat=True))
    texts, labels, ids = [], [], []
    rows = (
        Appeal.objects.filter(state__in=HANDLED_STATES, main_department__isnull=False)
        .order_by("id")
        .values_list("id", "title", "description", "main_department_id")
    )
    for pk, title, description, department_id in rows.iterator(chunk_size=2000):
        for _ in range(2 if pk in corrected else 1):
            texts.append(f"{title}\n{description}")
            labels.append(str(department_id))
            ids.append(pk)
    names = {
        str(pk): name
        for pk, name in Department.objects.filter(pk__in={int(x) for x in labels}).values_list("pk", "name")
    }
    return texts, labels, ids, names


def train_from_history(
    *,
    actor: Any,
    progress: Progress | None = None,
    activate: bool = True,
    min_examples: int | None = None,
) -> RoutingModel:
    texts, labels, ids, names = history_examples()
    return model_train(
        actor=actor,
        texts=texts,
        labels=labels,
        ids=ids,
        source=RoutingModel.Source.HISTORY,
        label_names=names,
        progress=progress,
        activate=activate,
        min_examples=min_examples,
    )


def training_in_progress() -> bool:
    return TrainingRun.objects.filter(
        status__in=[TrainingRun.Status.QUEUED, TrainingRun.Status.RUNNING]
    ).exists()


def training_run_request(*, actor: Any) -> TrainingRun:
    """Queue a retraining from history; the job runs after the commit."""
    if training_in_progress():
        raise ValidationFailed(
            "已有一个训练任务在进行中，请等待其完成。", code="routing.training_in_progress"
        )
    with transaction.atomic():
        run = TrainingRun(requested_by=actor)
        run.full_clean()
        run.save()
        audit_record(actor=actor, action="routing_training.request", obj=run)
        transaction.on_commit(lambda: jobs.run_training.enqueue(run.pk))
    return run


def training_run_scheduled() -> TrainingRun | None:
    """The periodic retraining's run, run at once; None while another run is queued or running."""
    if training_in_progress():
        return None
    run = TrainingRun.objects.create(message="定期重新训练")
    return training_run_execute(run_id=run.pk)


def training_run_execute(*, run_id: int) -> TrainingRun:
    """The job body: safe to run twice (a finished run is left alone)."""
    claimed = TrainingRun.objects.filter(pk=run_id, status=TrainingRun.Status.QUEUED).update(
        status=TrainingRun.Status.RUNNING, progress=1, message="开始训练"
    )
    run = TrainingRun.objects.get(pk=run_id)
    if not claimed:
        return run

    def progress(pct: int, message: str) -> None:
        TrainingRun.objects.filter(pk=run_id).update(progress=pct, message=message)

    try:
        model = train_from_history(actor=run.requested_by, progress=progress)
    except Exception as exc:
        message = exc.message if isinstance(exc, ValidationFailed) else "训练失败，请查看系统日志。"
        if not isinstance(exc, ValidationFailed):
            log.exception("routing training run %s failed", run_id)
        TrainingRun.objects.filter(pk=run_id).update(
            status=TrainingRun.Status.FAILED, message=message[:500], finished_at=timezone.now()
        )
    else:
        TrainingRun.objects.filter(pk=run_id).update(
            status=TrainingRun.Status.DONE,
            progress=100,
            model=model,
            message=f"已训练并启用版本 {model.version}",
            finished_at=timezone.now(),
        )
    run.refresh_from_db()
    return run


# ------------------------------------------------------------------------------ suggestions


def active_bundle() -> modelstore.Bundle | None:
    """The model in use, loaded once per process. If its file cannot be read, the model this process
    used before stays in use (and the failure is logged) rather than suggesting nothing or guessing."""
    row = RoutingModel.objects.filter(is_active=True).values_list("version", "file_name").first()
    if row is None:
        return None
    try:
        return modelstore.get(*row)
    except modelstore.ModelFileRefused as exc:
        log.error("routing model %s refused: %s", row[0], exc.message)
        return modelstore.last_good()


def suggest_departments(appeal_text: str, *, k: int = 3, exclude_appeal_id: Any = None) -> list[Suggestion]:
    """Top-k departments for an appeal: [(department, confidence 0..1, [ids of similar past appeals])].

    Nothing when there is no model yet (a city with no history), when the text cannot be routed (empty,
    one character, not Chinese), and a department that is no longer active is never suggested."""

    if not check_text(appeal_text).ok:
        return []
    bundle = active_bundle()
    if bundle is None:
        return []
    ranked = bundle.router.rank(appeal_text, k=len(bundle.labels))
    active = _active_departments_by_label([label for label, _ in ranked])
    out: list[Suggestion] = []
    for label, confidence in ranked:
        department = active.get(label)
        if department is None:
            continue
        similar = bundle.support.similar(appeal_text, label, k=4) if bundle.support is not None else []
        similar = [i for i in similar if i != exclude_appeal_id][:3]
        out.append(Suggestion(department, round(confidence, 4), similar))
        if len(out) == k:
            break
    return out


def _active_departments_by_label(labels: list[str]) -> dict[str, Any]:
    """Label -> active department. Models trained from history carry department ids; a model trained from
    a file may carry department names, short names or aliases. Departments merged or closed since the
    model was trained (inactive now) are simply absent, so they are never suggested."""
    ids = [int(x) for x in labels if x.isdigit()]
    names = {x for x in labels if not x.isdigit()}
    out: dict[str, Any] = {}
    if ids:
        out.update({str(d.pk): d for d in Department.objects.filter(pk__in=ids, is_active=True)})
    if names:
        for d in Department.objects.filter(is_active=True):
            for name in d.all_names():
                if name in names:
                    out.setdefault(name, d)
    return out


def _system_actor() -> Any:
    """The account automatic dispatches are made in the name of (office role, cannot sign in)."""
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = org_services.user_create(
            actor=None,
            username=SYSTEM_USERNAME,
            password=org_services.generate_password(SYSTEM_USERNAME),
            real_name="智能派单",
            roles={r.OFFICE},
            must_change_password=False,
        )
        user = org_services.user_set_active(actor=None, user=user, active=False)
    return user


def auto_dispatch_consider(*, appeal_id: int) -> AutoDispatch | None:
    """Dispatch a newly received appeal automatically when the office turned this on and the model's
    confidence in one active department reaches the office's threshold. Safe to call twice."""
    if not get_setting("routing.auto_dispatch_enabled"):
        return None
    threshold = float(get_setting("routing.auto_dispatch_threshold"))
    appeal = Appeal.objects.filter(pk=appeal_id, state=Appeal.State.SUBMITTED).first()
    if appeal is None or AutoDispatch.objects.filter(appeal_id=appeal_id).exists():
        return None
    suggestions = suggest_departments(
        f"{appeal.title}\n{appeal.description}", k=1, exclude_appeal_id=appeal.pk
    )
    if not suggestions or suggestions[0].confidence < threshold:
        return None
    department, confidence, _ = suggestions[0]
    bundle = active_bundle()
    actor = _system_actor()
    with transaction.atomic():
        appeal_services.appeal_dispatch(
            actor=actor,
            appeal=appeal,
            main_department=department,
            instruction=f"智能派单自动派出（置信度 {confidence:.0%}）",
            seen_version=appeal.version,
        )
        row = AutoDispatch.objects.create(
            appeal_id=appeal.pk,
            department=department,
            confidence=confidence,
            model_version=bundle.version if bundle else "",
        )
        audit_record(
            actor=actor,
            action="routing.auto_dispatch",
            obj=appeal,
            after={"department": department.pk, "confidence": confidence},
        )
    return row


def feedback_sync() -> int:
    """Mark automatic dispatches whose department returned the appeal; they weigh double in training."""
    marked = 0
    for row in AutoDispatch.objects.filter(returned=False).only("appeal_id", "department_id"):
        returned_at = (
            Dispatch.objects.filter(
                appeal_id=row.appeal_id, department_id=row.department_id, returned_at__isnull=False
            )
            .values_list("returned_at", flat=True)
            .first()
        )
        if returned_at is not None:
            marked += AutoDispatch.objects.filter(pk=row.pk, returned=False).update(
                returned=True, returned_at=returned_at
            )
    return marked


# ------------------------------------------------------------------------------ hearing of new appeals


def offer_to_auto_dispatch(appeal: Appeal) -> None:
    """Listener of `appeals.hooks.on_appeal_received`: offer a new appeal to automatic dispatch after commit
    when the office turned it on (the job checks the setting again; not enqueuing while it is off saves a
    queue row per intake)."""
    if get_setting("routing.auto_dispatch_enabled"):
        transaction.on_commit(lambda: jobs.consider_auto_dispatch.enqueue(appeal.pk), robust=True)


def hotspot_doc_fields(title: str, text: str) -> dict[str, Any]:
    """Registered with `appeals.similarity.register_doc_fields`: what hotspot grouping keeps per text."""
    return {"places": places_in(f"{title} {text}")[:10], "words": top_words_of(title or text, 8)}


def appeal_index(*, appeal: Appeal, new: bool = False) -> None:
    """The appeals app's index feed, named here for the demo seed (it runs in one transaction)."""
    similarity.appeal_index(appeal=appeal, new=new)


def index_sync(*, limit: int = 5000) -> int:
    return similarity.index_sync(limit=limit)


# The periodic job refreshes the office's window this often; a page finding an older result recomputes it.
HOTSPOTS_FRESH_FOR = timedelta(minutes=10)


def hotspots_refresh(*, window_days: int | None = None) -> HotspotSnapshot:
    days = int(window_days or get_setting("routing.hotspot_window_days"))
    now = timezone.now()
    started = time.perf_counter()
    found = hotspots_now(window_days=days, now=now)
    snapshot, _ = HotspotSnapshot.objects.update_or_create(
        window_days=days,
        defaults={
            "as_of": now,
            "seconds": round(time.perf_counter() - started, 3),
            "hotspots": [h.to_json() for h in found],
        },
    )
    return snapshot


def hotspots_current(*, window_days: int) -> tuple[list[Hotspot], datetime]:
    """The window's hotspots as last computed, recomputed first when older than HOTSPOTS_FRESH_FOR."""
    snapshot = HotspotSnapshot.objects.filter(window_days=window_days).first()
    if snapshot is None or timezone.now() - snapshot.as_of > HOTSPOTS_FRESH_FOR:
        snapshot = hotspots_refresh(window_days=window_days)
    return [Hotspot.from_json(h) for h in snapshot.hotspots], snapshot.as_of
