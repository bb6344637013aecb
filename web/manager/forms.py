"""The manager's forms. They shape what the browser sends; the services decide what is valid.

A service's ValidationError is put back on the form at the field it names
(`errors_onto`), so a rule stated once in the model or service shows next to
the field that broke it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from assignments.models import Application, Programme, Vacancy
from assignments.selectors import published_sectors_and_countries
from assignments.services import MANAGER_TRANSITIONS
from core import validators as v
from core.vocabulary import EDUCATION_LEVELS, LANGUAGE_LEVELS
from matching.reports import SECTOR_LABELS
from matching.selectors import ShortlistFacets
from volunteers.names import language_choices
from web.manager import once

LANGUAGE_ROWS = 4

LEVEL_CHOICES = [(level, level.capitalize()) for level in LANGUAGE_LEVELS]
EDUCATION_CHOICES = [(level, level.capitalize()) for level in EDUCATION_LEVELS]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def errors_onto(form: forms.Form, exc: ValidationError, *, aliases: dict[str, str] | None = None) -> None:
    """Put a service's errors on the form's fields (those it has no field for on the form as a whole)."""
    aliases = aliases or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, messages in exc.message_dict.items():
        target = aliases.get(name, name)
        form.add_error(target if target in form.fields else None, messages)


def _set_choices(form: forms.Form, name: str, choices: Iterable[Any]) -> None:
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    field.choices = choices


class OnceForm(forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault(once.FIELD, once.new_token())


class SuggestingInput(forms.TextInput):
    """A text input that offers values as the person types (an HTML datalist) and takes any
    other. `suggestions` is called when the input is drawn (a form posted and redirected
    never reads them)."""

    template_name = "web/widgets/suggesting_input.html"

    def __init__(self, suggestions: Callable[[], Iterable[str]], attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.suggestions = suggestions

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = f"{context['widget']['attrs'].get('id', name)}-suggestions"
        context["widget"]["suggestions"] = list(self.suggestions())
        return context


def sector_suggestions() -> list[str]:
    """The sectors the matcher's lexicon knows and those of published vacancies, one spelling
    each: a manager who picks one writes the sector as the others did (alerts compare it)."""
    used, _countries = published_sectors_and_countries()
    known = [label for key, label in SECTOR_LABELS.items() if key != "cross"]  # skills of every sector, not one
    spelled: dict[str, str] = {}
    for sector in (*known, *used):
        spelled.setdefault(sector.casefold(), sector)
    return sorted(spelled.values(), key=str.casefold)


class VacancyForm(OnceForm):
    """A vacancy's terms, as the API and the roster format take them."""

    programme = forms.ModelChoiceField(queryset=Programme.objects.none(), label=_("Programme"), empty_label=None)
    title = forms.CharField(max_length=200, label=_("Title"))
    host_institution = forms.CharField(
        max_length=300, label=_("Host institution"), help_text=_("As the terms of reference name it.")
    )
    country = forms.ChoiceField(label=_("Duty country"))
    location = forms.CharField(max_length=200, required=False, label=_("Duty station (town or city)"))
    sector = forms.CharField(
        max_length=200,
        label=_("Sector"),
        help_text=_("For example: Health, Public finance. The list offers those already in use."),
        widget=SuggestingInput(sector_suggestions),
    )
    description = forms.CharField(
        max_length=20000,
        label=_("Terms of reference"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the assignment is for and what the person will do."),
    )
    required_skills = forms.CharField(
        required=False,
        label=_("Required skills"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One a line, in plain words."),
    )
    preferred_skills = forms.CharField(
        required=False,
        label=_("Preferred skills"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line; they raise a candidate's score but exclude no one."),
    )
    min_education = forms.ChoiceField(choices=EDUCATION_CHOICES, label=_("Minimum education"))
    min_years_experience = forms.IntegerField(min_value=0, max_value=60, label=_("Minimum years of experience"))
    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))
    on_site = forms.BooleanField(required=False, label=_("On site (the person must travel to the duty station)"))
    positions = forms.IntegerField(min_value=1, max_value=1000, label=_("Positions"))
    # The vacancy's updated_at when the form was drawn: an edit made meanwhile is not overwritten.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, programmes: Iterable[Programme] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "country", [("", _("Choose a country")), *countries])
        for row in range(LANGUAGE_ROWS):
            self.fields[f"language_{row}"] = forms.ChoiceField(
                choices=[("", _("(none)")), *language_choices()],
                required=False,
                label=_("Language %(n)d") % {"n": row + 1},
            )
            self.fields[f"level_{row}"] = forms.ChoiceField(
                choices=[("", _("(level)")), *LEVEL_CHOICES],
                required=False,
                label=_("Minimum level %(n)d") % {"n": row + 1},
            )
        if programmes is None:
            del self.fields["programme"]
        else:
            self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]

    def language_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"language_{row}"], self[f"level_{row}"]) for row in range(LANGUAGE_ROWS)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        languages: dict[str, str] = {}
        for row in range(LANGUAGE_ROWS):
            code, level = data.get(f"language_{row}"), data.get(f"level_{row}")
            if code and not level:
                self.add_error(f"level_{row}", _("Choose the minimum level for this language."))
            elif level and not code:
                self.add_error(f"language_{row}", _("Choose the language this level is for."))
            elif code and code in languages:
                self.add_error(f"language_{row}", _("This language is listed twice."))
            elif code:
                languages[code] = str(level)
        data["required_languages"] = languages
        return data

    def vacancy_data(self) -> dict[str, Any]:
        """The fields as the vacancy services take them (host institution apart)."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "country": data["country"],
            "location": data.get("location", ""),
            "sector": data["sector"],
            "description": data["description"],
            "required_skills": _lines(data.get("required_skills", "")),
            "preferred_skills": _lines(data.get("preferred_skills", "")),
            "required_languages": data["required_languages"],
            "min_education": data["min_education"],
            "min_years_experience": data["min_years_experience"],
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "on_site": data.get("on_site", False),
            "positions": data["positions"],
        }

    @staticmethod
    def initial_for(vacancy: Vacancy) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "title": vacancy.title,
            "host_institution": vacancy.host_institution.name,
            "country": vacancy.country,
            "location": vacancy.location,
            "sector": vacancy.sector,
            "description": vacancy.description,
            "required_skills": "\n".join(vacancy.required_skills),
            "preferred_skills": "\n".join(vacancy.preferred_skills),
            "min_education": vacancy.min_education,
            "min_years_experience": vacancy.min_years_experience,
            "start_date": vacancy.start_date,
            "end_date": vacancy.end_date,
            "on_site": vacancy.on_site,
            "positions": vacancy.positions,
            "version": vacancy.updated_at.isoformat(),
        }
        for row, (code, level) in enumerate(sorted(vacancy.required_languages.items())[:LANGUAGE_ROWS]):
            initial[f"language_{row}"] = code
            initial[f"level_{row}"] = level
        return initial


# A service error on a whole list lands on the field that wrote it.
VACANCY_ERROR_FIELDS = {"required_languages": "language_0"}


class ShortlistFilterForm(forms.Form):
    """The API's shortlist filters (matching.api.serializers.ShortlistFilterSerializer), as a form."""

    min_score = forms.FloatField(required=False, min_value=0.0, max_value=1.0, label=_("Minimum score (0 to 1)"))
    residence_country = forms.ChoiceField(required=False, label=_("Lives in"))
    language = forms.ChoiceField(required=False, label=_("Speaks"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.every: dict[str, list[tuple[str, str]]] = {
            "residence_country": [(code, str(name)) for code, name in countries],
            "language": language_choices(),
        }
        _set_choices(self, "residence_country", [("", _("Any country")), *self.every["residence_country"]])
        _set_choices(self, "language", [("", _("Any language")), *self.every["language"]])

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}

    def offer(self, facets: ShortlistFacets) -> None:
        """After validation (against every country and language), list only those of the
        candidates, with how many of them each: a manager picks among the countries where
        the shortlist's people live, not among 250. The value chosen stays listed."""
        for name, anything, counts in (
            ("residence_country", _("Any country"), facets.countries),
            ("language", _("Any language"), facets.languages),
        ):
            chosen = self.data.get(name)
            offered = [
                (code, f"{label} ({counts.get(code, 0)})")
                for code, label in self.every[name]
                if code in counts or code == chosen
            ]
            _set_choices(self, name, [("", anything), *offered])


class WhyNotForm(forms.Form):
    who = forms.CharField(
        max_length=200,
        label=_("Name or volunteer id"),
        help_text=_("Why is this person not on the shortlist, or not higher?"),
    )


class CompareForm(forms.Form):
    v = forms.MultipleChoiceField(
        label=_("Candidates to compare"),
        error_messages={"invalid_choice": _("%(value)s is not on this vacancy's shortlist.")},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "v", choices)

    def clean_v(self) -> list[str]:
        chosen: list[str] = self.cleaned_data["v"]
        if not 2 <= len(chosen) <= 3:
            raise ValidationError(_("Choose two or three candidates to compare."))
        return chosen


STEP_LABELS = dict(Application.Status.choices)


class MoveForm(OnceForm):
    """Move an application one step, with a note kept in its history."""

    to_status = forms.ChoiceField(label=_("Move to"))
    note = forms.CharField(
        required=False,
        max_length=2000,
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the history for the programme team; the volunteer does not see it."),
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = sorted(MANAGER_TRANSITIONS.get(application.status, ()), key=_PIPELINE_ORDER.index)
        _set_choices(self, "to_status", [(s, STEP_LABELS[s]) for s in allowed])
        self.application = application

    def clean_note(self) -> str:
        note: str = self.cleaned_data.get("note") or ""
        try:
            v.validate_clean_text(note)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
        return note


_PIPELINE_ORDER = list(Application.Status.values)


class ImportForm(OnceForm):
    KIND_CHOICES = (("vacancies", _("Vacancies of a programme")), ("volunteers", _("Volunteer roster")))

    kind = forms.ChoiceField(choices=KIND_CHOICES, widget=forms.RadioSelect, label=_("What the file holds"))
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(),
        required=False,
        label=_("Programme (for vacancies)"),
        empty_label=None,
    )
    file = forms.FileField(label=_("File (.jsonl or .csv, UTF-8, in the roster format)"))
    dry_run = forms.BooleanField(required=False, label=_("Check only: report, write nothing"))
    atomic = forms.BooleanField(required=False, label=_("All or nothing: one rejected line imports nothing"))

    def __init__(self, *args: Any, programmes: Iterable[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == "vacancies" and not data.get("programme"):
            self.add_error("programme", _("Choose the programme the vacancies belong to."))
        return data
