"""Staff read the audit records and the dead letters; nobody edits them from the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.models import AuditRecord, DeadLetter


@admin.register(DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Tasks whose worker process died each time it ran them: read them, fix the cause, then delete the row."""

    list_display = ("created_at", "task", "kwargs", "deliveries", "task_id")
    list_filter = ("task",)
    search_fields = ("task", "task_id")
    readonly_fields = ("created_at", "task", "task_id", "args", "kwargs", "deliveries")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Who was shown a shortlist or someone's contact details: read-only, and never deleted here."""

    list_display = ("at", "actor_id", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("=actor_id", "=object_id")
    date_hierarchy = "at"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
