"""Matching, as the rest of the service asks for it.

Other apps call these inside their own transactions: each writes an outbox row,
and the ranking itself runs in a worker once the change is committed
(see matching/ranking.py and matching/tasks.py).
"""

from __future__ import annotations

from matching.outbox import outbox_enqueue

TASK_RANK_VACANCY = "matching.rank_vacancy"
TASK_RESCORE_VOLUNTEER = "matching.rescore_volunteer"


def vacancy_match_requested(*, vacancy_id: int) -> None:
    """Record, in the caller's transaction, that a vacancy needs ranking."""
    outbox_enqueue(task=TASK_RANK_VACANCY, key=f"vacancy:{vacancy_id}", kwargs={"vacancy_id": vacancy_id})


def volunteer_match_requested(*, volunteer_id: int) -> None:
    """Record, in the caller's transaction, that a profile needs rescoring."""
    outbox_enqueue(task=TASK_RESCORE_VOLUNTEER, key=f"volunteer:{volunteer_id}", kwargs={"volunteer_id": volunteer_id})
