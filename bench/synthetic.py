"""Seeded synthetic rosters for engine benchmarks (not for quality: texts are word salad)."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

from matching.engine.lexicon import load_lexicon
from matching.engine.types import Profile, Vacancy

LEVELS = ("basic", "conversational", "professional", "fluent", "native")
EDUCATION = ("secondary", "diploma", "bachelor", "master", "master", "doctorate")
COUNTRIES = ("GB", "US", "SE", "NO", "FI", "DK", "NL", "DE", "KE", "AE", "TR", "CA", "SO")
START = date(2027, 1, 1)


class Generator:
    """Profiles and vacancies built from lexicon terms plus a Zipf-distributed filler vocabulary."""

    def __init__(self, seed: int = 7, vocabulary: int = 30_000) -> None:
        self.rng = random.Random(seed)
        lex = load_lexicon()
        self.terms_by_concept: list[list[str]] = [[] for _ in lex.concepts]
        for term, ci in lex.terms:
            self.terms_by_concept[ci].append(term.strip("*"))
        letters = "abcdefghijklmnopqrstuvwxyz"
        self.filler = [
            "".join(self.rng.choice(letters) for _ in range(self.rng.randint(3, 11))) for _ in range(vocabulary)
        ]
        weights = [1.0 / (i + 1) for i in range(vocabulary)]
        self.cum = list(itertools.accumulate(weights))

    def _words(self, k: int) -> list[str]:
        return self.rng.choices(self.filler, cum_weights=self.cum, k=k)

    def _phrases(self, concept: int, k: int) -> list[str]:
        return self.rng.choices(self.terms_by_concept[concept], k=k)

    def profile(self, i: int) -> Profile:
        rng = self.rng
        main = rng.randrange(len(self.terms_by_concept))
        other = rng.randrange(len(self.terms_by_concept))
        summary = self._words(rng.randint(30, 150)) + self._phrases(main, 4) + self._phrases(other, 2)
        rng.shuffle(summary)
        dated = rng.random() < 0.6
        start = START + timedelta(days=rng.randint(-60, 300)) if dated else None
        return Profile(
            id=f"P-{i:07d}",
            headline=" ".join(self._phrases(main, 1) + self._words(2)),
            summary=" ".join(summary),
            skills=tuple(self._phrases(main, rng.randint(3, 8)) + self._words(2)),
            languages={"so": rng.choice(LEVELS), "en": rng.choice(LEVELS[2:])},
            education=rng.choice(EDUCATION),
            years_experience=rng.randint(0, 30),
            residence_country=rng.choice(COUNTRIES),
            available_from=start,
            available_until=start + timedelta(days=rng.randint(60, 700)) if start and rng.random() < 0.7 else None,
            on_site_ok=rng.random() < 0.95,
        )

    def vacancy(self, i: int) -> Vacancy:
        rng = self.rng
        main = rng.randrange(len(self.terms_by_concept))
        desc = self._words(rng.randint(100, 180)) + self._phrases(main, 8)
        rng.shuffle(desc)
        start = START + timedelta(days=rng.randint(0, 200))
        return Vacancy(
            id=f"A-{i:05d}",
            title=" ".join(self._phrases(main, 1)) + " specialist",
            description=" ".join(desc),
            sector=rng.choice(["Health", "Public finance", "Education", "Water", "Energy", "ICT"]),
            country="SO",
            required_skills=tuple(self._phrases(main, rng.randint(2, 5))),
            preferred_skills=tuple(self._phrases(main, 2)),
            required_languages={"so": "professional", "en": "professional"} if rng.random() < 0.8 else {},
            min_education=rng.choice(("none", "diploma", "bachelor", "master")),
            min_years_experience=rng.randint(0, 8),
            start_date=start,
            end_date=start + timedelta(days=rng.randint(90, 330)),
        )
