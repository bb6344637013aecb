"""Reasons computed after the ranking, from a stored candidate, equal the ranking's own."""

from __future__ import annotations

import pytest

from matching.engine import ProfileIndex, rank, rank_many
from matching.engine.explain import StoredExplainer, works_in_sector
from tests.engine.helpers import TODAY, random_profiles, random_vacancies


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_reasons_computed_later_equal_the_rankings_own(seed: int) -> None:
    profiles = random_profiles(seed, 120)
    by_id = {p.id: p for p in profiles}
    index = ProfileIndex.build(profiles)
    explainer = StoredExplainer(index.config)
    compared = 0
    for vacancy in random_vacancies(seed, 4):
        full = rank(index, vacancy, today=TODAY, top_k=60)
        lazy = rank(index, vacancy, today=TODAY, top_k=60, explain_top=5)
        assert [(c.profile_id, c.score, c.parts) for c in lazy] == [(c.profile_id, c.score, c.parts) for c in full]
        assert [c.explained for c in lazy] == [i < 5 for i in range(len(lazy))]
        for eager, later in zip(full, lazy, strict=True):
            if later.explained:
                assert later.reasons == eager.reasons
                continue
            assert later.reasons == later.matched_skills == later.missing_skills == []
            reasons, matched, missing = explainer.explain(
                by_id[later.profile_id],
                vacancy,
                later.parts.get("availability"),
                later.parts.get("occupation"),
                works_in_sector(later.parts),
            )
            assert (reasons, matched, missing) == (eager.reasons, eager.matched_skills, eager.missing_skills)
            compared += 1
    assert compared > 50


def test_rank_many_explains_only_the_top_it_is_asked_to() -> None:
    profiles = random_profiles(9, 80)
    index = ProfileIndex.build(profiles)
    vacancies = random_vacancies(9, 3)
    ranked = rank_many(index, vacancies, today=TODAY, top_k=40, explain_top=3)
    for vacancy in vacancies:
        alone = rank(index, vacancy, today=TODAY, top_k=40)
        got = ranked[vacancy.id]
        assert [c.profile_id for c in got] == [c.profile_id for c in alone]
        assert all(c.reasons for c in got[:3])
        assert [c.reasons for c in got[:3]] == [c.reasons for c in alone[:3]]
        assert not any(c.reasons or c.explained for c in got[3:])
