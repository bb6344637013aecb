from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.models import DeadLetter


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
