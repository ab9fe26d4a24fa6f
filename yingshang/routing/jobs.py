"""Background jobs of smart dispatch: load by id, call a service, safe to run twice."""

from django_tasks import task


@task()
def run_training(run_id: int) -> str:
    from .services import training_run_execute

    return training_run_execute(run_id=run_id).status


@task()
def consider_auto_dispatch(appeal_id: int) -> bool:
    from .services import auto_dispatch_consider

    return auto_dispatch_consider(appeal_id=appeal_id) is not None


@task()
def sync_similarity_index() -> int:
    from .services import feedback_sync, index_sync

    feedback_sync()
    return index_sync()


@task()
def scheduled_retrain() -> str:
    """Periodic retraining from history (register in core.schedule); skipped while one is running."""
    from .services import training_run_scheduled

    run = training_run_scheduled()
    return run.status if run else "skipped"


@task()
def refresh_hotspots() -> int:
    """The office's hotspot window, recomputed so the page never waits for it (register in core.schedule)."""
    from .services import hotspots_refresh

    return len(hotspots_refresh().hotspots)
