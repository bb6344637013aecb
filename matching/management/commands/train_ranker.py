"""Refit the ranker's weights from graded pairs; keep the new model only if it does better."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from matching.engine.learn import CrossValidation, GradedPair, band_shares, recalibrate, retrain, training_set
from matching.engine.model import DATA_DIR, RankerModel, model_files, read_model, write_model
from matching.engine.records import read_graded_roster
from matching.engine.types import ProgrammeRules
from matching.learning import recorded_outcomes

DEFAULT_DATA = Path(settings.BASE_DIR).parent / "shared" / "eval" / "dev"


class Command(BaseCommand):
    help = (
        "Refit the ranker on a graded roster (volunteers.jsonl, vacancies.jsonl, qrels.tsv) plus recorded "
        "outcomes; write ranker_v<N+1>.json only if it beats the current model on held-back vacancies. "
        "With --recalibrate, keep the current weights and calibrate the floor and bands afresh."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="graded roster directory")
        parser.add_argument("--models-dir", type=Path, default=DATA_DIR, help="where ranker_v*.json live")
        parser.add_argument(
            "--today", type=date.fromisoformat, help="date eligibility is judged on (the dev set: 2026-11-30)"
        )
        parser.add_argument(
            "--recalibrate",
            action="store_true",
            help="keep the current weights; write ranker_v<N+1>.json with the floor and bands calibrated afresh "
            "on held-back scores (after a change of what they mean)",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="write the refit even if it does not beat the current model (after an engine change that "
            "redefines a signal: the current weights were fitted on the old one, on these very pairs)",
        )
        parser.add_argument("--dry-run", action="store_true", help="report, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        data_dir: Path = options["data"]
        models_dir: Path = options["models_dir"]
        if not (data_dir / "qrels.tsv").exists():
            raise CommandError(f"no graded roster at {data_dir} (volunteers.jsonl, vacancies.jsonl, qrels.tsv)")
        files = model_files(models_dir)
        if not files:
            raise CommandError(f"no current model (ranker_v*.json) in {models_dir}")
        current = read_model(files[-1])
        profiles, vacancies, grades = read_graded_roster(data_dir)
        data = training_set(profiles, vacancies, (GradedPair(*g) for g in grades)).merged(recorded_outcomes())
        trained_on = f"{data_dir.name}: {len(data.vacancies)} vacancies, {len(data.pairs)} graded pairs"
        rules = ProgrammeRules(residence_outside_duty_country=True)
        today = options["today"] or timezone.localdate()
        if options["recalibrate"]:
            model, cv = recalibrate(data, current, trained_on=trained_on, rules=rules, today=today)
            self._report(data_dir, len(data.pairs), len(data.vacancies), cv, model)
            verdict = f"ranker_v{current.version}'s weights, thresholds recalibrated"
            self._write(model, models_dir, verdict, dry_run=options["dry_run"])
            return
        result = retrain(data, current, trained_on=trained_on, rules=rules, today=today)
        self._report(data_dir, len(data.pairs), len(data.vacancies), result.cross_validated, result.model)
        verdict = (
            f"held-back NDCG@10: new {result.new_ndcg:.4f}, current ranker_v{current.version} {result.current_ndcg:.4f}"
        )
        if not result.better and not options["force"]:
            self.stdout.write(f"{verdict}: the current model stays (ranker_v{current.version}); nothing written")
            return
        if not result.better:
            verdict += " (--force)"
        self._write(result.model, models_dir, verdict, dry_run=options["dry_run"])

    def _report(self, data_dir: Path, pairs: int, vacancies: int, cv: CrossValidation, model: RankerModel) -> None:
        self.stdout.write(
            f"{pairs} graded pairs over {vacancies} vacancies; refitted weights, "
            f"cross-validated over vacancies: NDCG@10 {cv.mean['ndcg@10']:.4f} P@5 {cv.mean['p@5']:.3f} "
            f"R@20 {cv.mean['r@20']:.3f}"
        )
        self.stdout.write(
            f"thresholds on held-back scores: floor {model.floor:.6f}, good {model.good:.6f}, strong {model.strong:.6f}"
        )
        for band, (n, by_grade) in band_shares(model, cv).items():
            grades = ", ".join(f"grade {g}: {k}" for g, k in by_grade.items())
            self.stdout.write(f"  {'below the floor' if band == 'none' else band}: {n} pairs ({grades})")

    def _write(self, model: RankerModel, models_dir: Path, verdict: str, *, dry_run: bool) -> None:
        if dry_run:
            self.stdout.write(f"{verdict}: would write ranker_v{model.version}.json (--dry-run)")
            return
        path = write_model(model, models_dir)
        self.stdout.write(f"{verdict}: wrote {path.name}; workers load it when they restart (the newest version wins)")
