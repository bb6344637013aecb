"""Names for codes, in the page's language: countries, languages, levels, education, statuses."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from volunteers import names

register = template.Library()

STATUS_NAMES = {
    "interest": _("Interest sent"),
    "shortlisted": _("Shortlisted"),
    "interview": _("Interview"),
    "selected": _("Selected"),
    "not_selected": _("Not selected"),
    "deployed": _("Deployed"),
    "completed": _("Completed"),
    "withdrawn": _("Withdrawn"),
}
STATUS_COLOURS = {
    "interest": "text-bg-secondary",
    "shortlisted": "text-bg-info",
    "interview": "text-bg-info",
    "selected": "text-bg-success",
    "deployed": "text-bg-success",
    "completed": "text-bg-success",
    "not_selected": "text-bg-light border",
    "withdrawn": "text-bg-light border",
}


@register.filter
def country(code: str) -> str:
    return names.country_name(code)


@register.filter
def language(code: str) -> str:
    return names.language_name(code)


@register.filter
def level(value: str) -> str:
    return names.level_name(value)


@register.filter
def education(value: str) -> str:
    return names.education_name(value)


@register.filter
def status_name(value: str) -> str:
    return str(STATUS_NAMES.get(value, value))


@register.filter
def status_colour(value: str) -> str:
    return STATUS_COLOURS.get(value, "text-bg-secondary")
