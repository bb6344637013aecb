"""The form renderer draws a select exactly as Django's templates would, faster."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from web import renderer
from web.forms import CountriesField, CountryField
from web.manager.forms import VacancyForm
from web.renderer import FormRenderer


class _Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("a", "A"), ("b", "B & <b>")])
    grouped = forms.ChoiceField(
        choices=[("", "—"), ("Africa", [("so", "Somalia"), ("ke", "Kenya")]), ("Europe", [("se", 'Sweden "SE"')])]
    )
    numbers = forms.TypedChoiceField(choices=[(1, "one"), (2, "two")], coerce=int)
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y"), ("z", "Z")], required=False)
    attributes = forms.ChoiceField(
        choices=[("a", "A")],
        widget=forms.Select(attrs={"class": "wide", "data-note": 'say "hi" & go', "disabled": True, "hidden": False}),
    )
    country = CountryField(label="Country")
    countries = CountriesField(size=6, label="Countries")


FORMS = [
    _Everything(),
    _Everything(
        data={"plain": "b", "grouped": "ke", "numbers": "2", "many": ["x", "z"], "country": "SO", "countries": ["KE"]}
    ),
    _Everything(data={"plain": "<script>", "many": ["nope"]}),  # invalid values, errors drawn
    VacancyForm(),
]


@pytest.mark.django_db  # the vacancy form's sector suggestions are read when it is drawn
@pytest.mark.parametrize("form", FORMS, ids=["empty", "chosen", "invalid", "vacancy"])
def test_every_select_is_drawn_as_djangos_templates_draw_it(form: forms.Form) -> None:
    if form.is_bound:
        form.is_valid()  # a bound form draws its errors too
    for name in form.fields:
        form.renderer = DjangoTemplates()
        theirs = str(form[name])
        form.renderer = FormRenderer()
        assert str(form[name]) == theirs, name


@pytest.mark.django_db
def test_selects_are_drawn_in_python_and_other_widgets_by_the_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[str] = []
    original = renderer.select_html
    monkeypatch.setattr(renderer, "select_html", lambda widget: drawn.append(widget["name"]) or original(widget))
    form = VacancyForm()
    assert isinstance(form.renderer, FormRenderer)  # the project's setting

    html = "".join(str(form[name]) for name in form.fields)

    selects = [
        name for name, field in form.fields.items() if type(field.widget) in (forms.Select, forms.SelectMultiple)
    ]
    assert "country" in selects
    assert "language_0" in selects
    assert drawn == selects
    assert html.count("<select") == len(selects)
    assert "<textarea" in html  # the rest, through Django's templates


def test_a_select_with_options_of_another_template_is_left_to_the_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[str] = []
    monkeypatch.setattr(renderer, "select_html", lambda widget: drawn.append(widget["name"]) or "")

    class OtherOptions(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    html = OtherOptions(choices=[("a", "A")]).render("pick", "a", renderer=FormRenderer())

    assert drawn == []
    assert html.startswith('<select name="pick">')
