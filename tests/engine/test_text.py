import random

from matching.engine.text import _FOLD, _FOLD_PAIRS, _fold_letters, normalise, tokenize


def test_it_folds_letters_as_translate_does():
    rng = random.Random(7)
    alphabet = [letter for letter, _ in _FOLD_PAIRS] + list("aeiosæøßéİ\u0131'\u2019œ شxየ ")
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(5_000)]
    for text in texts:
        assert _fold_letters(text) == text.translate(_FOLD)


def test_it_normalises_nordic_turkish_and_arabic_words():
    assert tokenize("Øresund Kaç\u0131r\u0131lma Straße ŁÓDŹ l\u2019école مُحاسِب") == [
        "oresund",
        "kacirilma",
        "strasse",
        "lodz",
        "l",
        "ecole",
        "محاسب",
    ]
    assert normalise("Ærø") == "aero"
