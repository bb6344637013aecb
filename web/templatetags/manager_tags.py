"""Small display helpers for the manager's pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _
from django_countries import countries

from assignments import selectors

register = template.Library()


@register.filter
def country_name(code: Any) -> str:
    """An ISO 3166-1 code as the country's name (the code itself when unknown)."""
    return str(countries.name(code) or code) if isinstance(code, str) and code else ""


@register.filter
def percent(value: Any) -> str:
    """A 0-1 figure as a whole percentage."""
    try:
        return f"{round(float(value) * 100)}"
    except (TypeError, ValueError):
        return ""


@register.filter
def hidden_cell(value: Any) -> str:
    """A participation figure, or the words for a hidden one."""
    return _("fewer than 10") if value is None else str(value)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def applicant_shown_to(application: Any, user: Any) -> bool:
    """``{% if application|applicant_shown_to:request.user %}``: see `assignments.selectors.applicant_shown_to`."""
    return selectors.applicant_shown_to(application=application, user=user)
