"""Admin for alerts: failed ones stand out, and staff can replay them."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from alerts.models import Alert, AlertPreference, InboxMessage
from alerts.services.sending import alerts_replay


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "id",
        "kind",
        "channel",
        "deliver",
        "status",
        "attempts",
        "recipient",
        "vacancy",
        "created_at",
        "sent_at",
    )
    list_filter = ("status", "kind", "channel", "deliver")
    search_fields = ("key", "volunteer__email", "user__email", "vacancy__external_id", "last_error")
    list_select_related = ("volunteer", "user", "vacancy")
    raw_id_fields = ("volunteer", "user", "vacancy", "application")
    readonly_fields = ("created_at", "sent_at", "claimed_at", "claim_token", "answered_at")
    actions = ("replay",)

    @admin.display(description="recipient")
    def recipient(self, alert: Alert) -> str:
        return alert.volunteer.email if alert.volunteer else (alert.user.email if alert.user else "")

    @admin.action(description="Replay the selected failed alerts")
    def replay(self, request: HttpRequest, queryset: QuerySet[Alert]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        replayed = alerts_replay(alert_ids=ids)
        skipped = len(ids) - replayed
        self.message_user(request, f"{replayed} alert(s) queued again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"{skipped} selected alert(s) had not failed and were left alone.", messages.WARNING
            )


@admin.register(AlertPreference)
class AlertPreferenceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("volunteer", "rhythm", "paused_until", "min_score", "updated_at")
    list_filter = ("rhythm",)
    search_fields = ("volunteer__email", "volunteer__external_id")
    raw_id_fields = ("volunteer",)


@admin.register(InboxMessage)
class InboxMessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "user", "created_at", "read_at")
    search_fields = ("title", "user__email")
    raw_id_fields = ("user", "alert")
