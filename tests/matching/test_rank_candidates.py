"""`manage.py rank_candidates` writes the format's Ranking output, straight after an import."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from matching.index_cache import roster_index_reset

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "demo"


@pytest.fixture(autouse=True)
def _imported_roster() -> Iterator[None]:
    roster_index_reset()
    call_command("import_volunteers", str(DEMO / "volunteers.jsonl"), stdout=io.StringIO(), stderr=io.StringIO())
    call_command(
        "import_vacancies",
        str(DEMO / "vacancies.jsonl"),
        "--programme",
        "mida-somalia",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    yield
    roster_index_reset()


def _rank(*args: str) -> list[dict[str, Any]]:
    out = io.StringIO()
    call_command("rank_candidates", *args, "--today", "2026-11-30", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_it_ranks_every_vacancy_one_line_each_in_descending_order() -> None:
    lines = _rank("--all")
    assert len(lines) == len((DEMO / "vacancies.jsonl").read_text().splitlines())
    for line in lines:
        assert set(line) == {"vacancy", "candidates"}
        scores = [c["score"] for c in line["candidates"]]
        assert scores == sorted(scores, reverse=True)
        assert all(0 <= s <= 1 for s in scores)
        assert all(c["eligible"] is True and c["reasons"] for c in line["candidates"])


def test_it_ranks_one_vacancy_and_keeps_the_top_k() -> None:
    (line,) = _rank("--vacancy", "MS27-HLT-001", "--top", "3")
    assert line["vacancy"] == "MS27-HLT-001"
    assert len(line["candidates"]) == 3


def test_it_names_the_rule_each_ineligible_person_fails_when_asked() -> None:
    (line,) = _rank("--vacancy", "MS27-HLT-001", "--include-ineligible", "--include-all", "--top", "500")
    ineligible = [c for c in line["candidates"] if not c["eligible"]]
    assert ineligible
    assert all(c["failed_rules"] for c in ineligible)
    eligible_only = {
        c["volunteer"] for c in _rank("--vacancy", "MS27-HLT-001", "--include-all", "--top", "500")[0]["candidates"]
    }
    assert eligible_only == {c["volunteer"] for c in line["candidates"] if c["eligible"]}


def test_it_leaves_out_people_below_the_floor_unless_asked_for_all() -> None:
    from matching.engine.model import load_model

    floor = load_model().floor
    for vacancy in ("MS27-HLT-001", "MS27-EDU-006"):
        (shown,) = _rank("--vacancy", vacancy, "--top", "500")
        (everyone,) = _rank("--vacancy", vacancy, "--top", "500", "--include-all")
        below = [c for c in everyone["candidates"] if c["band"] == "none"]
        assert below, "the demo roster holds people with no evidence for this vacancy"
        assert all(c["score"] >= round(floor, 4) and c["band"] != "none" for c in shown["candidates"])
        # the same people in the same order, less those below the floor
        assert shown["candidates"] == [c for c in everyone["candidates"] if c["band"] != "none"]


def test_it_says_so_and_fails_for_an_unknown_vacancy() -> None:
    with pytest.raises(CommandError, match="no vacancy with external_id 'NOPE-1'"):
        _rank("--vacancy", "NOPE-1")


def test_each_candidate_carries_the_band_its_score_and_evidence_fall_in() -> None:
    from matching.engine.model import load_model

    model = load_model()
    (line,) = _rank("--vacancy", "MS27-HLT-001", "--top", "20")
    assert line["candidates"]
    thresholds = (model.strong, model.good, model.floor)
    for cand in line["candidates"]:
        same_skill = any("\u2190" in reason for reason in cand["reasons"])  # a same-skill reason
        if all(abs(cand["score"] - t) > 1e-4 for t in thresholds):  # the printed score is rounded
            assert cand["band"] == model.band(cand["score"], same_skill=same_skill)
