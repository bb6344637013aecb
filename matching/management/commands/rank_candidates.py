"""Rank the roster for one vacancy or all of them, in the format's "Ranking output" shape.

Like the shortlist, it leaves out people below the ranker's floor (no evidence of doing
this work) unless `--include-all`: a list padded with people scoring 0.00 invites a
reader to take the padding for candidates."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from assignments.models import Vacancy
from matching import engine
from matching.convert import PROFILE_FIELDS, profile_from_row, rules_for_programme, vacancy_to_engine
from matching.engine.model import NO_EVIDENCE
from volunteers.models import Volunteer


class Command(BaseCommand):
    help = "Rank eligible candidates for --vacancy ID or --all vacancies; one JSON object per vacancy."

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--vacancy", metavar="ID", help="the vacancy's external_id")
        target.add_argument("--all", action="store_true", help="every vacancy, one line each")
        parser.add_argument("--top", type=int, default=200, metavar="K", help="candidates per vacancy (default 200)")
        parser.add_argument(
            "--include-ineligible", action="store_true", help="also list ineligible people, naming the rule they fail"
        )
        parser.add_argument(
            "--include-all",
            action="store_true",
            help="also list people below the floor (no evidence of doing this work), as the shortlist's ?include=all",
        )
        parser.add_argument("--today", type=date.fromisoformat, help="the date eligibility is judged on (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["top"] < 1:
            raise CommandError("--top must be at least 1")
        vacancies = Vacancy.objects.select_related("programme", "host_institution").order_by("external_id")
        if options["vacancy"]:
            vacancies = vacancies.filter(external_id=options["vacancy"])
            if not vacancies.exists():
                raise CommandError(f"no vacancy with external_id {options['vacancy']!r}")
        rows = list(Volunteer.objects.matchable().values(*PROFILE_FIELDS, "external_id"))
        external_ids = {str(row["id"]): row["external_id"] for row in rows}
        index = engine.ProfileIndex.build([profile_from_row(row) for row in rows])
        today = options["today"] or timezone.localdate()
        for vacancy in vacancies.iterator():
            candidates = engine.rank(
                index,
                vacancy_to_engine(vacancy),
                rules=rules_for_programme(vacancy.programme),
                today=today,
                top_k=options["top"],
                include_ineligible=options["include_ineligible"],
            )
            if not options["include_all"]:
                candidates = [c for c in candidates if c.band != NO_EVIDENCE]
            payload = {
                "vacancy": vacancy.external_id,
                "candidates": [_candidate_json(c, external_ids) for c in candidates],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))


def _candidate_json(candidate: engine.Candidate, external_ids: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "volunteer": external_ids[candidate.profile_id],
        "score": round(candidate.score, 4),
        "eligible": candidate.eligible,
        "band": candidate.band,
        "reasons": candidate.reasons,
    }
    if not candidate.eligible:
        out["failed_rules"] = candidate.failed_rules
    return out
