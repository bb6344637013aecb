"""A volunteer's profile, built and edited in steps, and their consents."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from matching.selectors import domain_vocabulary
from volunteers.models import Volunteer
from volunteers.names import country_name, education_name, language_name, level_name
from volunteers.selectors import skills_in_use
from volunteers.services import volunteer_consents_set, volunteer_profile_create, volunteer_profile_update
from web import forms
from web.views._access import account, own_profile, profile_page, volunteer_page

# The steps, in order: (slug, title).
STEPS: list[tuple[str, Any]] = [
    ("about", gettext_lazy("About you")),
    ("skills", gettext_lazy("Skills")),
    ("languages", gettext_lazy("Languages")),
    ("education", gettext_lazy("Education and experience")),
    ("countries", gettext_lazy("Countries")),
    ("availability", gettext_lazy("Availability")),
]
STEP_SLUGS = [slug for slug, _title in STEPS]
SUGGESTIONS_SHOWN = 12
EXTRA_LANGUAGE_ROWS = 2


@require_GET
@profile_page
def profile(request: HttpRequest, volunteer: Volunteer) -> HttpResponse:
    """The whole profile, each section with a link to edit it, and the consents."""
    languages = [
        {"name": language_name(code), "level": level_name(level)} for code, level in volunteer.languages.items()
    ]
    context = {
        "volunteer": volunteer,
        "steps": STEPS,
        "languages": languages,
        "education": education_name(volunteer.education),
        "residence": country_name(volunteer.residence_country),
        "heritage": [country_name(code) for code in volunteer.heritage_countries],
    }
    return render(request, "web/profile/overview.html", context)


def _next_step(step: str) -> str | None:
    index = STEP_SLUGS.index(step)
    return STEP_SLUGS[index + 1] if index + 1 < len(STEP_SLUGS) else None


def _language_formset(request: HttpRequest, volunteer: Volunteer | None) -> Any:
    if request.method == "POST":
        return forms.LanguageFormSet(request.POST, prefix="lang")
    rows = [{"language": code, "level": level} for code, level in (volunteer.languages if volunteer else {}).items()]
    rows += [{} for _ in range(EXTRA_LANGUAGE_ROWS)]
    return forms.LanguageFormSet(initial=rows, prefix="lang")


def _initial(volunteer: Volunteer | None, step: str) -> dict[str, Any]:
    if volunteer is None:
        return {}
    if step == "about":
        return {f: getattr(volunteer, f) for f in ("full_name", "headline", "summary", "gender")}
    if step == "skills":
        return {"skills": "\n".join(volunteer.skills)}
    if step == "education":
        return {"education": volunteer.education, "years_experience": volunteer.years_experience}
    if step == "countries":
        return {"residence_country": volunteer.residence_country, "heritage_countries": volunteer.heritage_countries}
    if step == "availability":
        return {
            "available_from": volunteer.available_from,
            "available_until": volunteer.available_until,
            "on_site_ok": "yes" if volunteer.on_site_ok else "no",
        }
    return {}


FORMS: dict[str, type[forms.forms.Form]] = {
    "about": forms.AboutForm,
    "skills": forms.SkillsForm,
    "education": forms.EducationForm,
    "countries": forms.CountriesForm,
    "availability": forms.AvailabilityForm,
}


def _data(form: forms.forms.Form) -> dict[str, Any]:
    if isinstance(form, forms.StartForm):
        return form.profile_data()
    if isinstance(form, forms.SkillsForm):
        return {"skills": form.cleaned_skills()}
    return dict(form.cleaned_data)


@require_http_methods(["GET", "POST"])
@volunteer_page
def profile_step(request: HttpRequest, step: str) -> HttpResponse:
    """One step of the profile; the first, without a profile yet, creates it."""
    if step not in STEP_SLUGS:
        raise Http404
    volunteer = own_profile(request)
    if volunteer is None and step != "about":
        return redirect("web:profile-step", step="about")
    creating = volunteer is None
    form: Any = None
    formset: Any = None
    if step == "languages":
        formset = _language_formset(request, volunteer)
    else:
        form_class = forms.StartForm if creating else FORMS[step]
        form = form_class(request.POST or None, initial=_initial(volunteer, step))
    status = 200
    if request.method == "POST":
        valid = formset.is_valid() if formset is not None else form.is_valid()
        if valid:
            data = {"languages": forms.languages_from(formset)} if formset is not None else _data(form)
            try:
                if volunteer is None:
                    volunteer = volunteer_profile_create(user=account(request), data=data)
                else:
                    volunteer = volunteer_profile_update(volunteer=volunteer, data=data)
            except ValidationError as exc:
                if formset is not None:
                    formset._non_form_errors = formset.error_class(exc.messages, error_class="nonform")
                else:
                    errors_onto_step(form, exc)
            else:
                if request.POST.get("add_row") and formset is not None:
                    # "Add another language": saved, and the page comes back with one more empty row.
                    messages.success(request, _("Saved."))
                    return redirect(f"{request.path}?rows={formset.total_form_count() + 1}")
                messages.success(request, _("Saved."))
                following = _next_step(step)
                if request.POST.get("finish") or following is None:
                    return redirect("web:profile")
                return redirect("web:profile-step", step=following)
        status = 400
    if formset is not None and request.method == "GET" and request.GET.get("rows", "").isdigit():
        wanted = min(int(request.GET["rows"]), 40)
        initial = list(formset.initial or [])
        initial += [{} for _ in range(max(0, wanted - len(initial)))]
        formset = forms.LanguageFormSet(initial=initial, prefix="lang")
    context = {
        "step": step,
        "steps": STEPS,
        "step_number": STEP_SLUGS.index(step) + 1,
        "step_title": dict(STEPS)[step],
        "next_step": _next_step(step),
        "form": form,
        "formset": formset,
        "creating": creating,
        "volunteer": volunteer,
    }
    if step == "skills":
        context["suggestions"] = _suggestions(
            "", exclude=volunteer.skills if volunteer else [], related=_related(volunteer)
        )
    return render(request, "web/profile/step.html", context, status=status)


def errors_onto_step(form: forms.forms.Form, exc: ValidationError) -> None:
    forms.errors_onto(form, exc, fields={"profile": "__all__", "email": "__all__", "languages": "language"})


def _suggestions(query: str, *, exclude: list[str], related: str = "") -> list[str]:
    """Skills people already use, then the matcher's vocabulary; those starting with the query first.

    Without a query, the ones sharing a word with ``related`` (the volunteer's
    headline and skills) come first, so a midwife is offered midwifery terms.
    """
    taken = {s.casefold() for s in exclude}
    query = query.strip().casefold()
    words = {w for w in related.casefold().replace(",", " ").split() if len(w) >= 5}
    seen: set[str] = set()
    first: list[str] = []
    rest: list[str] = []
    for skill in [*skills_in_use(), *domain_vocabulary()]:
        key = skill.casefold()
        if key in taken or key in seen:
            continue
        seen.add(key)
        if query:
            if key.startswith(query):
                first.append(skill)
            elif query in key:
                rest.append(skill)
        elif any(word[:6] in key for word in words):
            first.append(skill)
        elif len(rest) < SUGGESTIONS_SHOWN:
            rest.append(skill)
        if len(first) >= SUGGESTIONS_SHOWN:
            break
    return (first + rest)[:SUGGESTIONS_SHOWN]


def _related(volunteer: Volunteer | None) -> str:
    return " ".join([volunteer.headline, *volunteer.skills]) if volunteer else ""


@require_GET
@volunteer_page
def skill_suggestions(request: HttpRequest) -> HttpResponse:
    """Suggestions for the skills field as the volunteer types (htmx), or as a page without JS."""
    volunteer = own_profile(request)
    query = request.GET.get("q", "")[:100]
    suggestions = _suggestions(query, exclude=volunteer.skills if volunteer else [], related=_related(volunteer))
    return render(request, "web/profile/_suggestions.html", {"suggestions": suggestions, "query": query})


@require_http_methods(["GET", "POST"])
@profile_page
def consents(request: HttpRequest, volunteer: Volunteer) -> HttpResponse:
    """Consent to matching and to alerts, each with the time it was given or withdrawn."""
    form = forms.ConsentsForm(
        request.POST or None, initial={"matching": volunteer.matching_consent, "alerts": volunteer.alerts_consent}
    )
    if request.method == "POST" and form.is_valid():
        volunteer_consents_set(
            volunteer=volunteer, matching=form.cleaned_data["matching"], alerts=form.cleaned_data["alerts"]
        )
        messages.success(request, _("Your consents are saved."))
        return redirect("web:consents")
    return render(request, "web/profile/consents.html", {"form": form, "volunteer": volunteer})
