"""The pages' forms. They only turn what a browser sends into typed values:
every rule is the service's (the same one the API calls), and a service's
ValidationError comes back onto the form, at its field (``errors_onto``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from alerts.models import Channel, Rhythm
from volunteers.names import EDUCATION_NAMES, LANGUAGE_LEVEL_NAMES, language_choices

GENDER_NAMES = {"female": _("female"), "male": _("male"), "other": _("other"), "undisclosed": _("prefer not to say")}


def errors_onto(form: forms.Form, exc: ValidationError, *, fields: dict[str, str] | None = None) -> None:
    """Put a service's errors on the form: each at its field when the form has it, else at the top."""
    fields = fields or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, messages in exc.message_dict.items():
        target = fields.get(name, name)
        if target in form.fields:
            form.add_error(target, messages)
        elif name in (NON_FIELD_ERRORS, "__all__") or target == "__all__":
            form.add_error(None, messages)
        else:
            form.add_error(None, [f"{name.replace('_', ' ')}: {message}" for message in messages])


def _lines(value: str) -> list[str]:
    return [item.strip() for item in value.replace(",", "\n").splitlines() if item.strip()]


def _country_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in countries]


def _named_countries(codes: Iterable[str]) -> list[tuple[str, str]]:
    """(code, name in the page's language) of these countries, by name."""
    names = dict(countries)
    return sorted(((code, str(names.get(code, code))) for code in codes), key=lambda pair: pair[1])


def _one_country_choices() -> list[tuple[str, str]]:
    return [("", str(_("Choose a country"))), *_country_choices()]


class CountryField(forms.ChoiceField):
    """One country, named in the page's language (the choices are read when the form is drawn)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=_one_country_choices, **kwargs)


class CountriesField(forms.MultipleChoiceField):
    """Any number of countries, named in the page's language; none chosen is allowed."""

    def __init__(self, *, size: int, **kwargs: Any) -> None:
        super().__init__(
            choices=_country_choices, required=False, widget=forms.SelectMultiple(attrs={"size": size}), **kwargs
        )


class AboutForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    headline = forms.CharField(
        label=_("Headline"),
        max_length=200,
        required=False,
        help_text=_("Your profession in a few words, e.g. “Midwife and clinical tutor”."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you do and have done, in your own words (at most 5,000 characters)."),
    )
    gender = forms.ChoiceField(
        label=_("Gender (optional)"),
        required=False,
        choices=[("", _("not given")), *GENDER_NAMES.items()],
        help_text=_("Used only for anonymous statistics; programme managers never see it."),
    )


class StartForm(AboutForm):
    """The first step, which creates the profile: the fields a profile cannot be without."""

    residence_country = CountryField(label=_("Country where you live"))
    education = forms.ChoiceField(label=_("Highest education"), choices=list(EDUCATION_NAMES.items()))
    years_experience = forms.IntegerField(label=_("Years of professional experience"), min_value=0, max_value=60)
    language = forms.ChoiceField(
        label=_("A language you work in"), choices=(), help_text=_("You can add more languages in step 3.")
    )
    level = forms.ChoiceField(label=_("How well"), choices=list(LANGUAGE_LEVEL_NAMES.items()))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Choose a language")), *language_choices()]  # type: ignore[attr-defined]

    def profile_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["languages"] = {data.pop("language"): data.pop("level")}
        return data


class SkillsForm(forms.Form):
    skills = forms.CharField(
        label=_("Your skills"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One per line, in your own words (at most 100)."),
    )

    def cleaned_skills(self) -> list[str]:
        return _lines(self.cleaned_data["skills"])


class LanguageRowForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), required=False, choices=())
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", "—"), *LANGUAGE_LEVEL_NAMES.items()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Choose a language")), *language_choices()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("language") and not data.get("level"):
            self.add_error("level", _("Choose a level for this language."))
        if data.get("level") and not data.get("language"):
            self.add_error("language", _("Choose the language for this level."))
        return data


LanguageFormSet = forms.formset_factory(LanguageRowForm, extra=0, max_num=40, absolute_max=40)


def languages_from(formset: Any) -> dict[str, str]:
    return {
        row.cleaned_data["language"]: row.cleaned_data["level"]
        for row in formset.forms
        if row.cleaned_data.get("language") and row.cleaned_data.get("level")
    }


class EducationForm(forms.Form):
    education = forms.ChoiceField(label=_("Highest education"), choices=list(EDUCATION_NAMES.items()))
    years_experience = forms.IntegerField(label=_("Years of professional experience"), min_value=0, max_value=60)


class CountriesForm(forms.Form):
    residence_country = CountryField(label=_("Country where you live"))
    heritage_countries = CountriesField(
        label=_("Countries of heritage"),
        size=8,
        help_text=_("The countries you would like to contribute to. Hold Ctrl (or ⌘) to choose several."),
    )


class AvailabilityForm(forms.Form):
    available_from = forms.DateField(
        label=_("Available from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    available_until = forms.DateField(
        label=_("Available until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if you have no end date."),
    )
    on_site_ok = forms.TypedChoiceField(
        label=_("Can you work on site, in the host country?"),
        choices=[("yes", _("Yes, I can travel and work on site")), ("no", _("No, remote work only"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


class ConsentsForm(forms.Form):
    matching = forms.BooleanField(
        label=_("Match me to assignments (my profile is ranked for open vacancies)"), required=False
    )
    alerts = forms.BooleanField(label=_("Send me alerts about assignments that fit me"), required=False)


class InterestForm(forms.Form):
    # No length or character rule here: the service's motivation_clean is the
    # one check, shared with the API and the alert link.
    motivation = forms.CharField(
        label=_("Why you? (optional)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A few lines for the programme team: your experience with this kind of work."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Django's own NUL check would answer first, in other words than the API's.
        self.fields["motivation"].validators = []


class VacancySearchForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=())
    country = forms.ChoiceField(label=_("Country"), required=False, choices=())
    starts_after = forms.DateField(
        label=_("Starting from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    starts_before = forms.DateField(
        label=_("Starting by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    on_site = forms.ChoiceField(
        label=_("Where"),
        required=False,
        choices=[("", _("On site or remote")), ("yes", _("On site")), ("no", _("Remote"))],
    )

    def __init__(self, *args: Any, sectors: Iterable[str] = (), country_codes: Iterable[str] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", _("All sectors")), *((s, s) for s in sectors)]  # type: ignore[attr-defined]
        self.fields["country"].choices = [("", _("All countries")), *_named_countries(country_codes)]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        after, before = data.get("starts_after"), data.get("starts_before")
        if after and before and before < after:
            self.add_error("starts_before", _("This date is before “Starting from”."))
        return data


class AlertPreferencesForm(forms.Form):
    alerts = forms.BooleanField(label=_("Send me alerts about assignments that fit me"), required=False)
    rhythm = forms.ChoiceField(
        label=_("How often"),
        choices=[
            (Rhythm.INSTANT, _("At once")),
            (Rhythm.DAILY, _("A daily digest")),
            (Rhythm.WEEKLY, _("A weekly digest")),
            (Rhythm.OFF, _("Never")),
        ],
        widget=forms.RadioSelect,
    )
    channels = forms.MultipleChoiceField(
        label=_("Where"),
        required=False,
        choices=[(Channel.EMAIL, _("By email")), (Channel.INAPP, _("In my inbox on this site"))],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Notes about your own applications come here too."),
    )
    paused_until = forms.DateField(
        label=_("Pause until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("No alerts before this date; leave empty for no pause."),
    )
    min_score = forms.TypedChoiceField(
        label=_("Minimum match strength"),
        coerce=float,
        choices=[
            ("0.0", _("Every good or strong match")),
            ("0.5", _("Very strong matches only")),
            ("0.7", _("Exceptional matches only")),
        ],
    )
    sectors = forms.MultipleChoiceField(
        label=_("Only these sectors"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick none for every sector."),
    )
    countries = forms.MultipleChoiceField(
        label=_("Only these countries"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick none for every country."),
    )

    def __init__(
        self, *args: Any, sectors: Iterable[str] = (), country_codes: Iterable[str] = (), **kwargs: Any
    ) -> None:
        """`sectors` and `country_codes`: those of the vacancies (alerts are about them);
        the ones already chosen (on the API too) are offered as well, ticked."""
        super().__init__(*args, **kwargs)
        chosen_sectors = list(self.initial.get("sectors") or [])
        known = {sector.casefold() for sector in sectors}
        offered = [*sectors, *(s for s in chosen_sectors if s.casefold() not in known)]
        self.fields["sectors"].choices = [(s, s) for s in sorted(offered, key=str.casefold)]  # type: ignore[attr-defined]
        codes = {*country_codes, *(self.initial.get("countries") or [])}
        self.fields["countries"].choices = _named_countries(codes)  # type: ignore[attr-defined]
        # A minimum set elsewhere (the API takes any number from 0 to 1) is kept as a choice.
        current = self.initial.get("min_score")
        field = self.fields["min_score"]
        if current is not None and str(float(current)) not in {key for key, _label in field.choices}:  # type: ignore[attr-defined]
            field.choices = [*field.choices, (str(float(current)), _("at least %(score)s") % {"score": current})]  # type: ignore[attr-defined]
        self.initial["min_score"] = str(float(current)) if current is not None else "0.0"

    def preference_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("alerts")
        return data


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand: erase my account and my data. This cannot be undone."),
        error_messages={"required": _("Tick the box to confirm that you want your account erased.")},
    )
