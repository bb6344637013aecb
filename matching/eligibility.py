"""Whether a volunteer may say they are interested in a vacancy, in plain words.

The rules themselves are the matching engine's (matching/engine/eligibility.py:
the roster format's five hard rules and the programme's own), a Django-free
function that the ranking also uses; this module only turns the rule codes it
returns into sentences a volunteer can act on.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from assignments.models import Vacancy
from matching.convert import profile_from_volunteer, rules_for_programme, vacancy_to_engine
from matching.engine.eligibility import EXPERIENCE_SLACK, MIN_COVERAGE, check_eligibility
from volunteers.models import Volunteer
from volunteers.names import country_name, education_name, language_name, level_name


def _explain(code: str, *, volunteer: Volunteer, vacancy: Vacancy) -> str:
    if code.startswith("language:"):
        language = code.split(":", 1)[1]
        needed = vacancy.required_languages.get(language) or vacancy.required_languages.get(language.upper(), "")
        held = {k.lower(): v for k, v in volunteer.languages.items()}.get(language)
        return _(
            "Language rule: this assignment needs %(language)s at %(needed)s level or better; "
            "your profile gives %(held)s."
        ) % {
            "language": language_name(language),
            "needed": level_name(needed),
            "held": level_name(held) if held else _("none"),
        }
    if code == "education":
        return _("Education rule: this assignment needs at least %(needed)s; your profile gives %(held)s.") % {
            "needed": education_name(vacancy.min_education),
            "held": education_name(volunteer.education),
        }
    if code == "on_site":
        return _("On-site rule: this assignment is carried out on site, and your profile says you cannot work on site.")
    if code == "dates":
        return _(
            "Availability rule: your availability covers less than %(share)d%% of the assignment "
            "(%(start)s to %(end)s)."
        ) % {
            "share": round(MIN_COVERAGE * 100),
            "start": vacancy.start_date.isoformat(),
            "end": vacancy.end_date.isoformat(),
        }
    if code == "experience":
        return _(
            "Experience rule: this assignment needs %(needed)d years of experience (up to %(slack)d fewer is "
            "accepted); your profile gives %(held)d."
        ) % {"needed": vacancy.min_years_experience, "slack": EXPERIENCE_SLACK, "held": volunteer.years_experience}
    if code == "residence":
        return _(
            "%(programme)s's rule: volunteers must live outside %(country)s, the assignment's country, and your "
            "profile gives it as your country of residence."
        ) % {"programme": vacancy.programme.name, "country": country_name(vacancy.country)}
    return _("Eligibility rule %(code)s is not met.") % {"code": code}


def interest_refusals(volunteer: Volunteer, vacancy: Vacancy) -> list[str]:
    """The rules that exclude this volunteer from this vacancy, each in a sentence; empty when none do.

    Registered with assignments' application_express_interest (see apps.py).
    """
    failed = check_eligibility(
        profile_from_volunteer(volunteer),
        vacancy_to_engine(vacancy),
        rules_for_programme(vacancy.programme),
        today=timezone.localdate(),
    )
    return [_explain(code, volunteer=volunteer, vacancy=vacancy) for code in failed]
