"""Django's form renderer, drawing plain selects in Python.

Django draws a select through a template that includes another template for
every option, and that for the option's attributes: the four language rows and
the country of the vacancy form are 1,000 options, 90 ms of the page's time.
The same markup built here takes a few milliseconds. Only a select that uses
Django's own templates is drawn here; any other widget, or a select whose
templates were changed, goes to Django's templates as before.
`tests/web/test_renderer.py` holds the two to the same output.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: Mapping[str, Any]) -> str:
    """attrs.html: ` name="value"` for each, a bare ` name` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _option(option: Mapping[str, Any]) -> str:
    """select_option.html."""
    value = conditional_escape(str(option["value"]))
    return f'<option value="{value}"{_attrs(option["attrs"])}>{conditional_escape(option["label"])}</option>\n'


def select_html(widget: Mapping[str, Any]) -> SafeString:
    """select.html, for a widget context whose options all use Django's own option template."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            parts.append("\n  " + _option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def _plain(widget: Mapping[str, Any]) -> bool:
    return all(
        option["template_name"] == OPTION for _name, options, _index in widget["optgroups"] for option in options
    )


class FormRenderer(DjangoTemplates):
    """`DjangoTemplates`, except that a select with Django's own templates is drawn in Python."""

    def render(self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> str:
        widget = context.get("widget")
        if template_name == SELECT and widget is not None and _plain(widget) and not self._overridden:
            return select_html(widget)
        return super().render(template_name, context, request)

    @cached_property
    def _overridden(self) -> bool:
        """Whether a project or app template replaces Django's select or option template."""
        return any(
            "django/forms/templates/" not in str(self.get_template(name).origin.name)  # type: ignore[attr-defined]
            for name in (SELECT, OPTION)
        )
