"""The Celery application: settings under the ``CELERY_`` namespace, tasks autodiscovered."""

import os
from typing import Any

from celery import Celery, Task
from celery.signals import before_task_publish, task_postrun, task_prerun

from config.logging import new_request_id, request_id_var

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class DeliveryCountedTask(Task):  # type: ignore[misc]
    """Every task: its deliveries counted at start, and set aside once its process has died too often running it.

    See core/deliveries.py. A direct call (tests, the shell) is not a delivery.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        request = self.request
        if request.called_directly or not request.id:
            return super().__call__(*args, **kwargs)
        from core.deliveries import delivery_dead_letter, delivery_end, delivery_start

        retries = int(request.retries or 0)
        deliveries = delivery_start(task=self.name, task_id=request.id, retries=retries)
        if deliveries is not None and delivery_dead_letter(
            task=self.name, task_id=request.id, retries=retries, args=args, kwargs=kwargs, deliveries=deliveries
        ):
            return None
        try:
            return super().__call__(*args, **kwargs)
        finally:
            if deliveries is not None:
                delivery_end(task_id=request.id, retries=retries)


app = Celery("diaspora_match", task_cls=DeliveryCountedTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@before_task_publish.connect(dispatch_uid="config.celery.carry_request_id")
def carry_request_id(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """A task published while handling a request (or another task) carries that request's id in its headers."""
    request_id = request_id_var.get()
    if request_id and headers is not None:
        headers.setdefault("request_id", request_id)


@task_prerun.connect(dispatch_uid="config.celery.restore_request_id")
def restore_request_id(task: Any = None, **kwargs: Any) -> None:
    """Log the task's lines under the id of the request that caused it (its own task id when none did)."""
    request = getattr(task, "request", None)
    carried = getattr(request, "request_id", None) if request is not None else None
    task_id = getattr(request, "id", None) or ""
    request_id_var.set(new_request_id(carried) if carried else f"task-{task_id}")


@task_prerun.connect(dispatch_uid="config.celery.connections_before")
@task_postrun.connect(dispatch_uid="config.celery.connections_after")
def django_connections_checked(task: Any = None, **kwargs: Any) -> None:
    """Around each task, close the database connections Django would close around a request:
    older than CONN_MAX_AGE, broken by an error, or failing the health check (CELERY_DB_REUSE_MAX
    keeps Celery from closing all of them every time). Not for a task run eagerly inside a test
    or a request: closing there would end the caller's transaction."""
    request = getattr(task, "request", None)
    if request is None or getattr(request, "is_eager", False) or getattr(request, "called_directly", False):
        return
    from django.db import close_old_connections

    close_old_connections()


@task_postrun.connect(dispatch_uid="config.celery.clear_request_id")
def clear_request_id(**kwargs: Any) -> None:
    request_id_var.set("")
