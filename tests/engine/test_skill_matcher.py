"""The per-vacancy SkillMatcher's shortcuts change none of its answers."""

from __future__ import annotations

import pytest

from matching.engine import ProfileIndex
from matching.engine.explain import SkillMatcher, _phrase_hits, skill_keys, vocabulary_of
from matching.engine.features import vacancy_terms
from tests.engine.helpers import random_profiles, random_vacancies


@pytest.mark.parametrize("seed", [4, 5])
def test_a_phrase_it_passes_over_bears_on_none_of_the_vacancys_skills(seed: int) -> None:
    index = ProfileIndex.build(random_profiles(seed, 150))
    vocab = vocabulary_of(index.lexicon)
    passed_over = bearing = 0
    for vacancy in random_vacancies(seed, 6):
        matcher = SkillMatcher(skill_keys(vacancy_terms(vacancy, index.lexicon, index.config), vocab), vocab)
        for notes in index.notes:
            assert notes is not None
            for _, concepts, stems in notes.skill_keys:
                hits = _phrase_hits(matcher.keys, matcher.lookup, concepts, stems, vocab, False)
                if matcher.reachable.isdisjoint(concepts) and matcher.reachable.isdisjoint(stems):
                    assert hits == []
                    passed_over += 1
                bearing += bool(hits)
    assert passed_over > 100
    assert bearing > 100


def test_people_sharing_a_phrase_share_its_evidence_and_get_the_same_reasons() -> None:
    profiles = random_profiles(6, 120)
    index = ProfileIndex.build(profiles)
    vocab = vocabulary_of(index.lexicon)
    vacancy = random_vacancies(6, 1)[0]
    keys = skill_keys(vacancy_terms(vacancy, index.lexicon, index.config), vocab)
    shared = SkillMatcher(keys, vocab)
    for profile, notes in zip(profiles, index.notes, strict=True):
        assert notes is not None
        fresh = SkillMatcher(keys, vocab)  # nothing memoised from anyone else
        assert shared.match(notes, profile.headline) == fresh.match(notes, profile.headline)
    assert shared.memo
