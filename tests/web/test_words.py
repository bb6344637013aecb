"""A score in words is the ranker's calibrated band, and never flatters a score below the floor."""

from __future__ import annotations

from matching.engine.model import load_model
from matching.models import MatchResult
from web.words import plain_reasons, strength


def _match(score: float, matched_skills: list[list[str]]) -> MatchResult:
    return MatchResult(score=score, matched_skills=matched_skills)


def test_each_band_has_its_own_words() -> None:
    model = load_model()
    below_floor = model.floor / 2
    partial = (model.floor + model.good) / 2
    midwifery = [["midwifery", "jordmor"]]

    assert strength(_match(model.strong, midwifery)) == "Strong fit"
    assert strength(_match(model.good, midwifery)) == "Good fit"
    assert strength(_match(partial, midwifery)) == "Partial fit"
    assert strength(_match(below_floor, midwifery)) == "Little evidence of a fit"


def test_a_strong_score_without_a_skill_in_the_persons_words_is_a_good_fit() -> None:
    assert strength(_match(load_model().strong, [])) == "Good fit"


def test_the_vacancys_sector_is_said_to_the_volunteer_in_a_sentence() -> None:
    match = MatchResult(score=0.1, reasons=["works in the vacancy's sector: Health", "Somali: native"])
    sentences = plain_reasons(match)

    assert "You work in its sector (Health)." in sentences
    assert not any("vacancy's sector" in s for s in sentences)
