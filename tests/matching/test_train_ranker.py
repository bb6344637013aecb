"""manage.py train_ranker: a new model file only when the refit beats the current one on held-back vacancies."""

from __future__ import annotations

import json
from dataclasses import replace
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from matching.engine.model import RankerModel, model_files, read_model

pytestmark = pytest.mark.django_db
HARD_CASES = Path(__file__).resolve().parents[2] / "bench" / "hard_cases.jsonl"


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    """Our own hard cases as a graded roster: the right occupation graded 3, everyone else 0."""
    cases = [json.loads(line) for line in HARD_CASES.read_text(encoding="utf-8").splitlines() if line.strip()]
    people = [r for c in cases for r in (*c["other_words"], *c["lookalikes"])]
    out = tmp_path / "roster"
    out.mkdir()
    (out / "volunteers.jsonl").write_text("".join(json.dumps(p) + "\n" for p in people), encoding="utf-8")
    (out / "vacancies.jsonl").write_text("".join(json.dumps(c["vacancy"]) + "\n" for c in cases), encoding="utf-8")
    rows = []
    for case in cases:
        right = {r["external_id"] for r in case["other_words"]}
        vid = case["vacancy"]["external_id"]
        rows += [f"{vid}\t{p['external_id']}\t{3 if p['external_id'] in right else 0}\n" for p in people]
    (out / "qrels.tsv").write_text("".join(rows), encoding="utf-8")
    return out


def _current(models: Path) -> None:
    """Write a current model, ranker_v3, that knows only character n-grams."""
    chars_only = RankerModel(version=3, coef={"chars": 1.0}, intercept=-2.0, floor=0.1, strong=0.6, good=0.3)
    (models / "ranker_v3.json").write_text(chars_only.to_json(), encoding="utf-8")


def _train(roster: Path, models: Path) -> str:
    out = StringIO()
    call_command("train_ranker", data=roster, models_dir=models, today="2026-11-30", stdout=out)
    return out.getvalue()


def test_it_writes_the_next_version_when_the_refit_does_better(roster: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    _current(models)

    report = _train(roster, models)

    assert "wrote ranker_v4.json" in report
    assert [p.name for p in model_files(models)] == ["ranker_v3.json", "ranker_v4.json"]
    assert read_model(models / "ranker_v4.json").coef["occupation"] > 0


def test_it_keeps_the_current_model_when_the_refit_is_not_better(roster: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    _current(models)
    _train(roster, models)  # v4: fitted on these very pairs, so it flatters itself on them

    report = _train(roster, models)

    assert "the current model stays (ranker_v4); nothing written" in report
    assert [p.name for p in model_files(models)] == ["ranker_v3.json", "ranker_v4.json"]


def test_force_writes_the_refit_even_when_it_is_not_better(roster: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    _current(models)
    _train(roster, models)  # v4: fitted on these very pairs, so it flatters itself on them
    out = StringIO()

    call_command("train_ranker", data=roster, models_dir=models, today="2026-11-30", force=True, stdout=out)

    assert "(--force): wrote ranker_v5.json" in out.getvalue()
    assert [p.name for p in model_files(models)] == ["ranker_v3.json", "ranker_v4.json", "ranker_v5.json"]


def test_recalibrating_keeps_the_weights_and_calibrates_the_thresholds_afresh(roster: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    _current(models)
    _train(roster, models)  # v4: fitted on these pairs, thresholds calibrated on held-back scores
    fitted = read_model(model_files(models)[-1])
    # Thresholds that mean nothing on these pairs: everyone below the floor.
    (models / f"ranker_v{fitted.version}.json").write_text(
        replace(fitted, floor=0.99, good=0.995, strong=0.999).to_json(), encoding="utf-8"
    )
    out = StringIO()

    call_command("train_ranker", data=roster, models_dir=models, today="2026-11-30", recalibrate=True, stdout=out)

    new = read_model(model_files(models)[-1])
    assert new.version == fitted.version + 1
    assert new.coef == fitted.coef
    assert new.intercept == fitted.intercept
    # the thresholds the fit itself calibrated, from the same held-back scores
    assert (new.floor, new.good, new.strong) == (fitted.floor, fitted.good, fitted.strong)
    assert f"wrote ranker_v{new.version}.json" in out.getvalue()
    assert "below the floor:" in out.getvalue()


def test_a_dry_run_of_a_recalibration_writes_nothing(roster: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    _current(models)
    out = StringIO()

    call_command(
        "train_ranker", data=roster, models_dir=models, today="2026-11-30", recalibrate=True, dry_run=True, stdout=out
    )

    assert "would write ranker_v4.json (--dry-run)" in out.getvalue()
    assert [p.name for p in model_files(models)] == ["ranker_v3.json"]
