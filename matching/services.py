"""Bridge between the ORM and the matching engine (filled in by the matching work)."""

from __future__ import annotations


def vacancy_match_requested(*, vacancy_id: int) -> None:
    """Record that a vacancy needs (re)ranking; the relay queues it after commit."""


def volunteer_match_requested(*, volunteer_id: int) -> None:
    """Record that a profile needs rescoring against every open vacancy."""
