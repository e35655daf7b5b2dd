"""Administrators manage the ban list in Django's admin. The values are personal data."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mapa.moderation.models import Ban


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin[Ban]):
    list_display = ["kind_label", "value", "reason", "created_by", "created_at", "expires_at"]
    list_filter = ["created_at", "expires_at"]
    search_fields = ["email", "phone", "reason"]
    fields = ["email", "phone", "network", "reason", "expires_at", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]

    @admin.display(description=_("kind"))
    def kind_label(self, ban: Ban) -> str:
        return ban.get_kind_display()

    def save_model(self, request: HttpRequest, obj: Ban, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
