"""The SMS line in the admin (administrators only): cases and their texts, read-only.

Numbers (personal data) are on the detail pages only, not in the lists. Cases are handled
in the staff workspace (/staff/sms/); the admin is for looking things up.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from mapa.sms.models import SmsCase, SmsMessage


class SmsMessageInline(admin.TabularInline[SmsMessage, SmsCase]):
    model = SmsMessage
    extra = 0
    can_delete = False
    fields = readonly_fields = ("direction", "text", "created_at", "author", "gateway_id")

    def has_add_permission(self, request: HttpRequest, obj: SmsCase | None = None) -> bool:
        return False


@admin.register(SmsCase)
class SmsCaseAdmin(admin.ModelAdmin[SmsCase]):
    list_display = ["reference", "status", "created_at", "last_text_at", "report"]
    list_filter = ["status"]
    search_fields = ["reference"]
    readonly_fields = [f.name for f in SmsCase._meta.fields]
    inlines = [SmsMessageInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
