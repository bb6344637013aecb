"""Figures for a manager's charts: skills supply and demand by sector, a vacancy's score distribution.

Reads only, in a fixed number of queries. Sectors come from the matcher's own
lexicon, so "midwifery", "umuliso" and "obstetric care" all count for health.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet

from assignments.models import Vacancy
from matching.engine.lexicon import load_lexicon
from matching.engine.text import tokenize
from matching.models import MatchResult
from volunteers.models import Volunteer, matchable_q

SECTOR_LABELS: dict[str, str] = {
    "agri": "Agriculture",
    "cross": "Cross-cutting",
    "education": "Education",
    "energy": "Energy",
    "env": "Environment",
    "health": "Health",
    "ict": "ICT",
    "justice": "Justice and rule of law",
    "land": "Land and infrastructure",
    "media": "Media",
    "pfm": "Public finance",
    "social": "Social protection",
    "stats": "Statistics",
    "wash": "Water and sanitation",
}


@lru_cache(maxsize=50_000)
def sectors_of_phrase(phrase: str) -> frozenset[str]:
    """The lexicon's sectors a skill phrase belongs to (none for words it does not know)."""
    lexicon = load_lexicon()
    return frozenset(lexicon.concepts[ci].sector for match in lexicon.match(tokenize(phrase)) for ci in match.concepts)


def _sectors(phrases: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for phrase in phrases:
        if isinstance(phrase, str):
            found |= sectors_of_phrase(phrase)
    return found


@dataclass(frozen=True)
class SectorFigure:
    sector: str
    label: str
    supply: int  # volunteers on the roster with at least one skill in the sector
    demand: int  # open positions asking for a skill in the sector


SUPPLY_CACHE_KEY = "matching:reports:supply:v1"


def roster_supply() -> Counter[str]:
    """Per sector, the matchable volunteers who offer a skill in it.

    The same for every manager and slow to move, but it reads the whole roster:
    it is kept in the cache for REPORTS_SUPPLY_SECONDS, so a dashboard drawn
    again reads one cache key, not every profile.
    """
    cached = cache.get(SUPPLY_CACHE_KEY)
    if isinstance(cached, dict):
        return Counter(cached)
    supply: Counter[str] = Counter()
    for skills in Volunteer.objects.matchable().values_list("skills", flat=True).iterator(chunk_size=2000):
        supply.update(_sectors(skills or []))
    cache.set(SUPPLY_CACHE_KEY, dict(supply), settings.REPORTS_SUPPLY_SECONDS)
    return supply


def skills_supply_and_demand(*, vacancies: QuerySet[Vacancy]) -> list[SectorFigure]:
    """Per sector: roster volunteers who offer it, and open positions (of ``vacancies``) that ask for it.

    The roster is shared by every programme, so supply counts every volunteer
    who may be matched (as of at most REPORTS_SUPPLY_SECONDS ago); demand counts
    the positions of the open vacancies given, read now.
    """
    supply = roster_supply()
    demand: Counter[str] = Counter()
    for required, preferred, positions in vacancies.filter(status=Vacancy.Status.OPEN).values_list(
        "required_skills", "preferred_skills", "positions"
    ):
        for sector in _sectors([*(required or []), *(preferred or [])]):
            demand[sector] += positions
    sectors = sorted(set(supply) | set(demand), key=lambda s: (-demand[s], -supply[s], s))
    return [
        SectorFigure(sector=s, label=SECTOR_LABELS.get(s, s.title()), supply=supply[s], demand=demand[s])
        for s in sectors
    ]


def score_distribution(*, vacancy: Vacancy) -> list[float]:
    """The stored scores of a vacancy's shortlist (consenting, non-erased candidates), best first."""
    return list(
        MatchResult.objects.filter(matchable_q("volunteer__"), vacancy=vacancy)
        .order_by("-score")
        .values_list("score", flat=True)
    )
