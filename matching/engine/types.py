"""Plain value types exchanged with the matching engine (no Django, no ORM)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matching.engine.lexicon import Lexicon
    from matching.engine.model import RankerModel

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class Profile:
    """A diaspora professional as the engine sees them."""

    id: str
    headline: str = ""
    summary: str = ""
    skills: tuple[str, ...] = ()
    languages: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    education: str = "none"
    years_experience: int = 0
    residence_country: str = ""
    heritage_countries: tuple[str, ...] = ()
    available_from: date | None = None
    available_until: date | None = None
    on_site_ok: bool = True


@dataclass(frozen=True)
class Vacancy:
    """A short assignment at a host institution."""

    id: str
    title: str
    description: str
    sector: str = ""
    country: str = ""
    host_institution: str = ""
    location: str = ""
    required_skills: tuple[str, ...] = ()
    preferred_skills: tuple[str, ...] = ()
    required_languages: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    min_education: str = "none"
    min_years_experience: int = 0
    start_date: date | None = None
    end_date: date | None = None
    on_site: bool = True


@dataclass(frozen=True)
class ProgrammeRules:
    """Hard rules a programme adds on top of the spec's five."""

    residence_outside_duty_country: bool = False


@dataclass(frozen=True)
class EngineConfig:
    """Switches of the scorer; each use_* flag removes one component.

    The weights that combine the components are learnt (`model`, default: the newest
    `data/ranker_v*.json`), not set here.
    """

    use_lexicon: bool = True  # phrase -> concept mapping (synonyms, abbreviations, languages)
    use_families: bool = True  # concept -> professional family / sector tokens
    use_word_tfidf: bool = True  # document-level word TF-IDF cosine
    use_char_ngrams: bool = True  # char 3-5-grams of headline vs title
    use_title_weighting: bool = True  # extra weight on what the person does (headline, titles)
    use_skill_coverage: bool = True  # coverage of the vacancy's required/preferred skills
    use_structured_fit: bool = True  # experience, languages, availability, sector
    use_occupations: bool = True  # ESCO occupation of what the person does vs the job asked for
    use_sector_floor: bool = True  # the sector part at least half the ESCO occupation agreement
    model: RankerModel | None = None  # None: the shipped model
    lexicon: Lexicon | None = None  # None: the shipped lexicon (another one: evaluation only)
    # Compute every signal, even one the model gives no weight (left out otherwise, to save
    # its cost): training must see them all to be able to weigh them.
    all_signals: bool = False
    max_query_terms: int = 80  # description terms kept per vacancy (speed and noise)


# Not frozen, and with slots: a ranking makes 200 of these per vacancy, and a frozen
# dataclass's __init__ (a call of object.__setattr__ per field) took 2.1 µs where this
# one takes 0.8.
@dataclass(slots=True)
class Candidate:
    """One ranked (or explained) volunteer for one vacancy."""

    profile_id: str
    score: float
    eligible: bool
    parts: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    matched_skills: list[tuple[str, str]] = field(default_factory=list)
    missing_skills: list[str] = field(default_factory=list)
    failed_rules: list[str] = field(default_factory=list)
    # strong / good / partial, or "none" below the floor (no evidence of doing the work);
    # strong only with a same-skill reason (`RankerModel.band`), so an unexplained
    # candidate's "strong" is provisional: explained, it may be "good".
    band: str = ""
    # False when ranked without reasons (below the explained top of a list): reasons,
    # matched and missing skills are then empty, to be computed when read.
    explained: bool = True
