"""The matcher's codes in plain words, for the manager's pages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_countries import countries

from assignments.models import Vacancy
from matching.engine.explain import MISSING
from volunteers.names import language_name

# The engine's score parts (matching/engine/ranking.py PART_NAMES), as a manager reads them
# (translated when shown). "text" is not shown: it is the model's sum of the text parts,
# unbounded (10.67 beside parts of 0 to 1), and the score already says what it adds up to.
PART_LABELS = {
    "words": gettext_noop("Words in common"),
    "does": gettext_noop("What they do (headline, job titles)"),
    "skills": gettext_noop("Required and preferred skills"),
    "chars": gettext_noop("Title spelling"),
    "experience": gettext_noop("Experience"),
    "languages": gettext_noop("Languages"),
    "availability": gettext_noop("Availability"),
    "sector": gettext_noop("Sector"),
    "occupation": gettext_noop("Same occupation as asked (ESCO)"),
    "occupation_sector": gettext_noop("Same sector of occupation (ESCO)"),
}
HIDDEN_PARTS = frozenset({"text"})


def band_in_words(band: str) -> str:
    """A candidate's band (`matching.explain.band_of`) as the shortlist labels it."""
    labels = {"strong": _("Strong match"), "good": _("Good match"), "partial": _("Partial match")}
    return labels.get(band, _("No evidence of this work"))


def rule_in_words(code: str, vacancy: Vacancy) -> str:
    """One failed eligibility rule (engine code such as ``language:so``) as a sentence."""
    if code.startswith("language:"):
        language = code.split(":", 1)[1]
        level = vacancy.required_languages.get(language, "")
        return _("Does not speak %(language)s at the level asked (%(level)s or better).") % {
            "language": language_name(language),
            "level": level,
        }
    country = countries.name(vacancy.country) or vacancy.country
    sentences = {
        "education": _("Education below the minimum asked (%(level)s).") % {"level": vacancy.min_education},
        "on_site": _("Does not want to work on site, and the assignment is on site."),
        "dates": _("Not available for at least half of the assignment's dates."),
        "experience": _("More than two years short of the %(years)s years of experience asked.")
        % {"years": vacancy.min_years_experience},
        "residence": _("Lives in %(country)s: the programme deploys people who live outside the duty country.")
        % {"country": country},
        # The engine does not say why someone cannot be matched (consent withdrawn, or erased): neither do we.
        "not_available": _("Not available to be matched."),
    }
    return sentences.get(code, code)


def part_label(name: str) -> str:
    return _(PART_LABELS[name]) if name in PART_LABELS else name.replace("_", " ").capitalize()


def reasons_shown(reasons: list[str]) -> list[str]:
    """A candidate's reasons as a page lists them: without the engine's "missing: ..." (its
    first five, `matching.engine.explain.reasons_for`), which the page gives in full beside them."""
    return [reason for reason in reasons if not reason.startswith(MISSING)]


def part_rows(parts: dict[str, float]) -> list[tuple[str, float]]:
    """The parts of a stored score a page shows, as (label, value), in the engine's order."""
    return [(part_label(name), value) for name, value in parts.items() if name not in HIDDEN_PARTS]
