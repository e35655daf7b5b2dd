from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from mapa.privacy.models import Erasure


@admin.register(Erasure)
class ErasureAdmin(admin.ModelAdmin[Erasure]):
    """When and why contact data was erased; read-only (a record, not a tool)."""

    list_display = ["report", "reason", "erased_at"]
    list_filter = ["reason"]
    search_fields = ["report__reference"]
    readonly_fields = ["report", "reason", "erased_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Erasure | None = None) -> bool:
        return False
