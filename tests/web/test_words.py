"""A score in words is the ranker's calibrated band, and never flatters a score below the floor."""

from __future__ import annotations

from matching.engine.model import load_model
from web.words import strength


def test_each_band_has_its_own_words() -> None:
    model = load_model()
    below_floor = model.floor / 2
    partial = (model.floor + model.good) / 2

    assert strength(model.strong) == "Strong fit"
    assert strength(model.good) == "Good fit"
    assert strength(partial) == "Partial fit"
    assert strength(below_floor) == "Little evidence of a fit"
