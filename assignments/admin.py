"""Admin for programmes, hosts, vacancies and applications.

Lifecycle changes go through assignments.services, never raw field edits, so
the history, the timestamps and the matching hook stay right.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse

from accounts.selectors import signed_in_user
from assignments.models import Application, ApplicationEvent, HostInstitution, Programme, Vacancy
from assignments.services import (
    VACANCY_TERMS,
    manager_invite,
    vacancy_create,
    vacancy_set_status,
    vacancy_update,
)


class ManagerInviteForm(forms.Form):
    email = forms.EmailField(label="Manager's email address")


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "rule_residence_outside_duty_country", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("managers",)
    actions = ("invite_manager",)
    change_form_template = "admin/assignments/programme/change_form.html"

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "managers":
            from accounts.models import User

            kwargs["queryset"] = User.objects.filter(role__in=[User.Role.MANAGER, User.Role.STAFF])
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<path:object_id>/invite-manager/",
                self.admin_site.admin_view(self.invite_manager_view),
                name="assignments_programme_invite_manager",
            )
        ]
        return own + super().get_urls()  # type: ignore[operator]

    @admin.action(description="Invite a manager to the selected programme")
    def invite_manager(self, request: HttpRequest, queryset: QuerySet[Programme]) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one programme to invite a manager to.", messages.WARNING)
            return None
        programme = queryset.get()
        return HttpResponseRedirect(reverse("admin:assignments_programme_invite_manager", args=[programme.pk]))

    def invite_manager_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        programme = get_object_or_404(Programme, pk=object_id)
        if not self.has_change_permission(request, programme):
            raise PermissionDenied
        form = ManagerInviteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                user = manager_invite(
                    email=form.cleaned_data["email"], programme=programme, invited_by=signed_in_user(request)
                )
            except ValidationError as exc:
                for field, reasons in exc.message_dict.items():
                    form.add_error("email" if field == "email" else None, reasons)
            else:
                self.message_user(request, f"Invited {user.email} to manage {programme}.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:assignments_programme_change", args=[programme.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": programme,
            "form": form,
            "title": f"Invite a manager to {programme}",
        }
        return render(request, "admin/assignments/programme/invite_manager.html", context)


@admin.register(HostInstitution)
class HostInstitutionAdmin(admin.ModelAdmin):
    list_display = ("name", "country")
    list_filter = ("country",)
    search_fields = ("name",)


@admin.register(Vacancy)
class VacancyAdmin(admin.ModelAdmin):
    list_display = ("external_id", "title", "programme", "host_institution", "country", "sector", "status")
    list_select_related = ("programme", "host_institution")
    list_filter = ("status", "programme", "country", "sector", "on_site")
    search_fields = ("external_id", "title", "sector", "location", "host_institution__name", "description")
    raw_id_fields = ("created_by",)
    # Status moves only through the actions below (vacancy_set_status).
    readonly_fields = ("status", "status_changed_at", "status_changed_by", "created_at", "updated_at")
    actions = ("open_vacancies", "close_vacancies")

    def get_readonly_fields(self, request: HttpRequest, obj: Vacancy | None = None) -> tuple[str, ...]:
        # A vacancy stays in the programme it was posted to, by whoever posted it.
        fixed = ("programme", "created_by") if obj is not None else ("created_by",)
        return (*self.readonly_fields, *fixed)

    def save_model(self, request: HttpRequest, obj: Vacancy, form: forms.ModelForm[Vacancy], change: bool) -> None:
        # The same services as the API and the roster import: one writer for vacancies.
        actor = signed_in_user(request)
        data = {name: form.cleaned_data[name] for name in VACANCY_TERMS if name in form.cleaned_data}
        host = form.cleaned_data["host_institution"].name
        if change:
            saved = vacancy_update(vacancy=obj, actor=actor, data=data, host_institution=host)
        else:
            saved = vacancy_create(
                programme=form.cleaned_data["programme"],
                host_institution=host,
                actor=actor,
                data=data,
                external_id=obj.external_id,
            )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def _set_status(self, request: HttpRequest, queryset: QuerySet[Vacancy], status: str) -> None:
        moved, refused = 0, []
        for vacancy in queryset:
            try:
                vacancy_set_status(vacancy=vacancy, status=status, actor=signed_in_user(request))
            except ValidationError as exc:
                refused.append(f"{vacancy.external_id}: {'; '.join(exc.messages)}")
            else:
                moved += 1
        if moved:
            self.message_user(request, f"{moved} vacancy(ies) now {status}.", messages.SUCCESS)
        if refused:
            self.message_user(request, "Unchanged — " + " | ".join(refused), messages.WARNING)

    @admin.action(description="Open the selected vacancies")
    def open_vacancies(self, request: HttpRequest, queryset: QuerySet[Vacancy]) -> None:
        self._set_status(request, queryset, Vacancy.Status.OPEN)

    @admin.action(description="Close the selected vacancies")
    def close_vacancies(self, request: HttpRequest, queryset: QuerySet[Vacancy]) -> None:
        self._set_status(request, queryset, Vacancy.Status.CLOSED)


class ApplicationEventInline(admin.TabularInline):
    model = ApplicationEvent
    fields = ("at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("id", "vacancy", "volunteer", "status", "created_at", "status_changed_at")
    list_select_related = ("vacancy", "volunteer")
    list_filter = ("status", "vacancy__programme")
    search_fields = ("volunteer__full_name", "volunteer__email", "volunteer__external_id", "vacancy__title")
    # Selection happens through the manager API, which records every step;
    # here staff look, they do not move applications by hand.
    readonly_fields = ("vacancy", "volunteer", "status", "motivation", "created_at", "status_changed_at")
    inlines = (ApplicationEventInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
