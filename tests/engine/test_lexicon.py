"""The lexicon's data: ambiguous abbreviations map only where their context says which meaning."""

from matching.engine.lexicon import load_lexicon
from matching.engine.text import tokenize

LEXICON = load_lexicon()


def concepts(text: str) -> set[str]:
    return {LEXICON.concepts[i].id for m in LEXICON.match(tokenize(text)) for i in m.concepts}


def test_bare_ipc_means_nothing_on_its_own():
    # Infection prevention and control in a hospital; the food-security phase
    # classification in a ministry of agriculture.
    assert concepts("IPC") == set()


def test_ipc_in_a_hospital_is_infection_prevention():
    assert concepts("chair of the IPC committee") == {"healthcare_quality"}


def test_ipc_in_an_early_warning_unit_is_food_security():
    assert concepts("led the IPC analysis") == {"food_security_nutrition"}
