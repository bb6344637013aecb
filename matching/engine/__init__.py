"""Matching engine: plain dataclasses in, ranked candidates out. Never imports Django."""

from matching.engine.eligibility import check_eligibility
from matching.engine.index import Fitted, ProfileIndex, fit_statistics
from matching.engine.ranking import explain, merge_ranked, rank, rank_many, score_profile
from matching.engine.types import Candidate, EngineConfig, Profile, ProgrammeRules, Vacancy

# 2: ESCO occupations, learnt weights (ranker_v*.json), bands; 2.1: ranker_v2, fitted
# pairwise; 2.1.1: "assessment" no longer a training word in the lexicon; 2.2: people the
# lexicon knows no word of take the sectors of their ESCO occupations; 2.3: the sector part
# at least half the ESCO occupation agreement (ranker_v3, refitted); 2.3.1: half of a skill
# in the reasons is half of its words that name it, not of its generic ones (scores unchanged).
ENGINE_VERSION = "2.3.1"

__all__ = [
    "ENGINE_VERSION",
    "Candidate",
    "EngineConfig",
    "Fitted",
    "Profile",
    "ProfileIndex",
    "ProgrammeRules",
    "Vacancy",
    "check_eligibility",
    "explain",
    "fit_statistics",
    "merge_ranked",
    "rank",
    "rank_many",
    "score_profile",
]
