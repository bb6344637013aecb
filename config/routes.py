"""Celery routing of partition tasks: each to the queue of the roster partition it reads."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from core import tasknames


def partition_queue(partition: int) -> str:
    return f"match.p{partition}"


def route_partition_task(
    name: str, args: tuple[Any, ...], kwargs: dict[str, Any], options: dict[str, Any], task: Any = None, **_: Any
) -> dict[str, str] | None:
    """The queue of a partition task, or None to fall through to the prefix routes.

    A vacancy (or a batch of them) ranked over one partition names it; a profile rescored belongs to
    partition ``volunteer_id % MATCHING_PARTITIONS``, whose workers hold its row.
    """
    partitions = settings.MATCHING_PARTITIONS
    if partitions <= 1:
        return None
    if name in (tasknames.RANK_VACANCY_PARTITION, tasknames.RANK_BATCH_PARTITION):
        return {"queue": partition_queue(int(kwargs["partition"]))}
    if name == tasknames.RESCORE_VOLUNTEER:
        volunteer_id = kwargs.get("volunteer_id", args[0] if args else None)
        if volunteer_id is not None:
            return {"queue": partition_queue(int(volunteer_id) % partitions)}
    return None
