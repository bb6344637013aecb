"""Render a form field the accessible way: its error next to it, tied to it.

The widget carries aria-invalid when the field has an error, and
aria-describedby naming the error and help text, so a screen reader reads
them with the field; Bootstrap's classes style it.
"""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

register = template.Library()

_CHOICE_LISTS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


def _css_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


def described_by(field: BoundField) -> str:
    ids = []
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    if field.help_text:
        ids.append(f"{field.auto_id}_help")
    return " ".join(ids)


@register.simple_tag
def widget(field: BoundField, **extra: str) -> SafeString:
    """The field's widget with Bootstrap's class, aria-invalid and aria-describedby."""
    attrs: dict[str, str | bool] = {}
    existing = field.field.widget.attrs.get("class", "")
    css = _css_class(field.field.widget)
    attrs["class"] = f"{existing} {css}".strip() if css not in existing else existing
    if field.errors:
        attrs["class"] = f"{attrs['class']} is-invalid"
        attrs["aria-invalid"] = "true"
    if ids := described_by(field):
        attrs["aria-describedby"] = ids
    attrs |= extra
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_choice_list(field: BoundField) -> bool:
    return isinstance(field.field.widget, _CHOICE_LISTS)


@register.filter
def is_hidden(field: BoundField) -> bool:
    return bool(field.is_hidden)
