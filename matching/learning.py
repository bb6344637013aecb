"""Graded pairs for the ranker beyond the dev set.

Managers' decisions and volunteers' answers will be recorded as graded pairs (with the
engine version and score at the time) and fed to `manage.py train_ranker` from here.
The Django model for those outcomes is not built yet; until it is, there are none.
"""

from __future__ import annotations

from matching.engine.learn import TrainingSet


def recorded_outcomes() -> TrainingSet:
    """Profiles, vacancies and graded pairs recorded in production (none yet)."""
    return TrainingSet((), (), ())
