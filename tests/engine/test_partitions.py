"""A roster split into partitions, indexed with statistics fitted once on the whole of it,
ranks exactly as one index of the whole roster: same people, same order, same scores."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from matching.engine import Fitted, ProfileIndex, fit_statistics, merge_ranked, rank
from matching.engine.model import load_model
from matching.engine.types import EngineConfig, Profile
from tests.engine.helpers import TODAY, random_profiles, random_vacancies


def _numeric(profiles: list[Profile]) -> list[Profile]:
    # Database-like ids (the volunteer's primary key as text): partition by id % N.
    return [dataclasses.replace(p, id=str(i + 1)) for i, p in enumerate(profiles)]


def _partitions(profiles: list[Profile], n: int, fitted: Fitted) -> list[ProfileIndex]:
    return [ProfileIndex.build([p for p in profiles if int(p.id) % n == k], fitted=fitted) for k in range(n)]


def _view(candidates: list) -> list[tuple]:
    return [(c.profile_id, c.score, c.parts, c.reasons, c.band) for c in candidates]


# A ranker that weighs headline character n-grams, so that their statistics are fitted too.
WITH_CHARS = EngineConfig(model=dataclasses.replace(load_model(), coef={**load_model().coef, "chars": 0.5}))


def test_fitting_alone_gives_the_statistics_a_whole_index_fits() -> None:
    profiles = _numeric(random_profiles(4, 150))
    whole = ProfileIndex.build(profiles, WITH_CHARS).fitted()
    fitted = fit_statistics(profiles, WITH_CHARS)
    assert fitted.vocab == whole.vocab
    assert fitted.char_vocab == whole.char_vocab
    assert np.array_equal(fitted.idf, whole.idf)
    assert fitted.char_idf is not None
    assert whole.char_idf is not None
    assert np.array_equal(fitted.char_idf, whole.char_idf)
    again = Fitted.from_bytes(fitted.to_bytes())
    assert again.vocab == fitted.vocab
    assert np.array_equal(again.idf, fitted.idf)
    assert np.array_equal(again.char_idf, fitted.char_idf)


def test_character_ngrams_the_ranker_gives_no_weight_are_neither_fitted_nor_indexed() -> None:
    profiles = _numeric(random_profiles(4, 150))
    unweighted = EngineConfig(model=dataclasses.replace(load_model(), coef={**load_model().coef, "chars": 0.0}))
    assert fit_statistics(profiles, unweighted).char_vocab == ()
    assert ProfileIndex.build(profiles, unweighted).n_chars == 0
    assert ProfileIndex.build(profiles, WITH_CHARS).n_chars > 0
    # Training computes them all the same, so that a new model may weigh them again.
    assert ProfileIndex.build(profiles, dataclasses.replace(unweighted, all_signals=True)).n_chars > 0


@pytest.mark.parametrize(("seed", "partitions", "top_k"), [(11, 4, 20), (12, 3, 50), (13, 2, 300)])
def test_merged_partitions_rank_as_the_whole_roster(seed: int, partitions: int, top_k: int) -> None:
    profiles = _numeric(random_profiles(seed, 160))
    # Exact duplicates tie on every score: the tie must be broken alike everywhere.
    profiles += [dataclasses.replace(p, id=str(1000 + i)) for i, p in enumerate(profiles[:12])]
    whole = ProfileIndex.build(profiles)
    fitted = Fitted.from_bytes(fit_statistics(profiles).to_bytes())  # as a worker reads it back
    # Rows in another order than ids (as after upserts): ties must not follow row order.
    parts = _partitions(list(reversed(profiles)), partitions, fitted)
    assert sum(len(p) for p in parts) == len(profiles)
    for vacancy in random_vacancies(seed, 5):
        single = rank(whole, vacancy, today=TODAY, top_k=top_k)
        merged = merge_ranked((rank(p, vacancy, today=TODAY, top_k=top_k) for p in parts), top_k)
        assert single
        assert _view(merged) == _view(single)


def test_without_shared_statistics_partitions_would_not_score_alike() -> None:
    # The reason Fitted exists: IDF fitted per partition moves the scores.
    profiles = _numeric(random_profiles(21, 160))
    whole = ProfileIndex.build(profiles)
    own = [ProfileIndex.build([p for p in profiles if int(p.id) % 4 == k]) for k in range(4)]
    vacancy = random_vacancies(21, 1)[0]
    single = rank(whole, vacancy, today=TODAY, top_k=30)
    merged = merge_ranked((rank(p, vacancy, today=TODAY, top_k=30) for p in own), 30)
    assert [c.score for c in merged] != [c.score for c in single]


def test_a_partition_ignores_words_the_shared_vocabulary_lacks_as_an_upsert_does() -> None:
    profiles = _numeric(random_profiles(5, 40))
    fitted = fit_statistics(profiles[:30])
    newcomer = dataclasses.replace(profiles[35], summary=profiles[35].summary + " zyxwvut")
    built = ProfileIndex.build([newcomer], fitted=fitted)
    upserted = ProfileIndex.build(profiles[:1], fitted=fitted)
    upserted.upsert(newcomer)
    assert "zyxwvut" not in built.vocab
    assert built.n_words == upserted.n_words == len(fitted.vocab)
    assert (built.row_vectors(np.array([0])) != upserted.row_vectors(np.array([1]))).nnz == 0


def test_equal_scores_at_the_cut_go_to_the_lowest_ids_in_every_partition() -> None:
    one = random_profiles(8, 1)[0]
    twins = [dataclasses.replace(one, id=str(i)) for i in range(1, 31)]
    vacancy = dataclasses.replace(random_vacancies(8, 1)[0], required_languages={}, min_years_experience=0)
    fitted = fit_statistics(twins)
    parts = _partitions(list(reversed(twins)), 3, fitted)
    single = rank(ProfileIndex.build(list(reversed(twins))), vacancy, today=TODAY, top_k=7, include_ineligible=True)
    merged = merge_ranked((rank(p, vacancy, today=TODAY, top_k=7, include_ineligible=True) for p in parts), 7)
    assert [c.profile_id for c in single] == [str(i) for i in range(1, 8)]
    assert [c.profile_id for c in merged] == [str(i) for i in range(1, 8)]


def test_an_empty_partition_builds_and_ranks_nobody() -> None:
    profiles = _numeric(random_profiles(6, 30))
    empty = ProfileIndex.build([], fitted=fit_statistics(profiles))
    assert len(empty) == 0
    assert rank(empty, random_vacancies(6, 1)[0], today=TODAY) == []
    empty.upsert(profiles[0])
    assert [c.profile_id for c in rank(empty, random_vacancies(6, 1)[0], today=TODAY, include_ineligible=True)] == ["1"]
