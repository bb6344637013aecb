"""Admin for volunteer profiles: find people, and invite imported ones to claim their profile."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from accounts.selectors import signed_in_user
from volunteers.models import Volunteer
from volunteers.services import ROSTER_FIELDS, volunteer_roster_update, volunteer_send_claim_invitation


class ErasedFilter(admin.SimpleListFilter):
    title = "erased"
    parameter_name = "erased"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("no", "Live profiles"), ("yes", "Erased")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Volunteer]) -> QuerySet[Volunteer]:
        if self.value() == "yes":
            return queryset.filter(erased_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(erased_at__isnull=True)
        return queryset


class ClaimedFilter(admin.SimpleListFilter):
    title = "account"
    parameter_name = "claimed"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Has an account"), ("no", "No account (unclaimed)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Volunteer]) -> QuerySet[Volunteer]:
        if self.value() in ("yes", "no"):
            return queryset.filter(user__isnull=self.value() == "no")
        return queryset


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = (
        "external_id",
        "full_name",
        "email",
        "education",
        "years_experience",
        "residence_country",
        "matching_consent",
        "alerts_consent",
        "source",
        "user",
    )
    list_select_related = ("user",)
    list_filter = (
        "education",
        "residence_country",
        "matching_consent",
        "alerts_consent",
        "source",
        "on_site_ok",
        ClaimedFilter,
        ErasedFilter,
    )
    search_fields = ("full_name", "email", "external_id", "skills", "headline")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Profiles come from sign-up or a programme's roster import, each with its consents.
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Volunteer | None = None) -> tuple[str, ...]:
        # Staff correct what the roster says; consents are their owner's to give or withdraw.
        editable = set(ROSTER_FIELDS)
        return tuple(f.name for f in Volunteer._meta.fields if f.name not in editable)

    def save_model(self, request: HttpRequest, obj: Volunteer, form: ModelForm[Volunteer], change: bool) -> None:
        # The same service as a roster import: one writer for profiles.
        data = {name: form.cleaned_data[name] for name in ROSTER_FIELDS if name in form.cleaned_data}
        volunteer_roster_update(volunteer=obj, data=data)
        obj.refresh_from_db()

    raw_id_fields = ("user",)
    actions = ("send_claim_invitations",)

    @admin.action(description="Send claim invitations to the selected imported profiles")
    def send_claim_invitations(self, request: HttpRequest, queryset: QuerySet[Volunteer]) -> None:
        sent, refused = 0, []
        for volunteer in queryset:
            try:
                volunteer_send_claim_invitation(volunteer=volunteer, sent_by=signed_in_user(request))
            except (ValidationError, PermissionDenied) as exc:
                reasons = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                refused.append(f"{volunteer.external_id}: {reasons}")
            else:
                sent += 1
        if sent:
            self.message_user(request, f"Sent {sent} claim invitation(s).", messages.SUCCESS)
        if refused:
            self.message_user(request, "Not sent — " + " | ".join(refused), messages.WARNING)
