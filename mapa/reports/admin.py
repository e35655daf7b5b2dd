from django.contrib import admin
from django.db import models

from mapa.core.widgets import MapAdmin
from mapa.reports.models import Report, ReportEvent


class ReportEventInline(admin.TabularInline[ReportEvent, Report]):
    model = ReportEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "created_at",
        "kind",
        "from_status",
        "to_status",
        "to_unit",
        "public_note",
        "internal_note",
        "actor",
    )

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Report)
class ReportAdmin(MapAdmin):
    list_display = ["reference", "category", "status", "district", "unit", "channel", "created_at"]
    list_filter = ["status", "category", "unit", "channel", "district"]
    search_fields = ["reference", "description", "address"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "reference",
        "status",
        "district",
        "unit",
        "routing_reason",
        "routing_explanation",
        "routing",
        "created_at",
        "updated_at",
    ]
    inlines = [ReportEventInline]
    # Django 6's default for a typed URL without a scheme, chosen now (no deprecation).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
