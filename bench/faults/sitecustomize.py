"""Faults injected into the processes scripts/faults starts, and only those (it puts this folder on PYTHONPATH).

FAULTS_INJECT, comma-separated:
  twice   every task message is published a second time, same task id (delivered twice);
          each copy is counted in the broker under "faults:copies".
  poison  a worker process that runs the ranking of a vacancy whose external id
          starts with POISON dies at once (os._exit), every time: a task that
          always crashes its process.
Nothing here is imported by the application.
"""

from __future__ import annotations

import os
from typing import Any

_INJECT = set(filter(None, os.environ.get("FAULTS_INJECT", "").split(",")))

if "twice" in _INJECT:
    from celery.signals import after_task_publish

    def _publish_again(sender: str | None = None, headers: Any = None, body: Any = None, **_: Any) -> None:
        if not headers or headers.get("faults_copy") or sender is None:
            return
        from celery import current_app

        args, kwargs, _embed = body
        current_app.send_task(sender, args=args, kwargs=kwargs, task_id=headers["id"], headers={"faults_copy": True})
        import redis

        redis.Redis.from_url(current_app.conf.broker_url).incr("faults:copies")

    after_task_publish.connect(_publish_again, weak=False)

if "poison" in _INJECT:
    from celery.signals import worker_process_init

    def _poison(**_: Any) -> None:
        from assignments.models import Vacancy
        from matching import rank

        real = rank.vacancy_rank

        def vacancy_rank(*, vacancy_id: int) -> Any:
            if Vacancy.objects.filter(pk=vacancy_id, external_id__startswith="POISON").exists():
                os._exit(70)
            return real(vacancy_id=vacancy_id)

        rank.vacancy_rank = vacancy_rank  # type: ignore[assignment]

    worker_process_init.connect(_poison, weak=False)
