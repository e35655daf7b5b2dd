from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mapa.catalogue.models import (
    Category,
    CategoryAttribute,
    ResponseTemplate,
    RoutingRule,
    Unit,
)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ["code", "name", "parent", "email", "is_triage", "active"]
    list_filter = ["active", "is_triage", "parent"]
    search_fields = ["code", "name", "short_name"]
    filter_horizontal = ["districts"]
    # The secret is generated when a webhook URL is first saved; shown for the unit's
    # receiver to verify signatures (README "Webhooks"). "New webhook secret" replaces it.
    readonly_fields = ["webhook_secret"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["new_webhook_secret"]

    @admin.action(description=_("New webhook secret (the old one stops verifying)"))
    def new_webhook_secret(self, request: HttpRequest, queryset: QuerySet[Unit]) -> None:
        units = [unit for unit in queryset if unit.webhook_url]
        for unit in units:
            unit.webhook_secret = ""
            unit.save()
        self.message_user(
            request,
            ngettext(
                "%(count)d unit has a new webhook secret.",
                "%(count)d units have a new webhook secret.",
                len(units),
            )
            % {"count": len(units)},
            messages.SUCCESS if units else messages.WARNING,
        )


class CategoryAttributeInline(admin.StackedInline[CategoryAttribute, Category]):
    model = CategoryAttribute
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ["code", "name_pl", "name_en", "default_unit", "group", "active", "order"]
    list_filter = ["active", "group", "default_unit"]
    search_fields = ["code", "name_pl", "name_en"]
    inlines = [CategoryAttributeInline]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin[RoutingRule]):
    list_display = ["category", "unit", "district_list", "active", "note"]
    list_filter = ["active", "category", "unit"]
    filter_horizontal = ["districts"]

    @admin.display(description="districts")
    def district_list(self, rule: RoutingRule) -> str:
        return ", ".join(d.name for d in rule.districts.all()) or "(city-wide)"


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin[ResponseTemplate]):
    """The "base of answers": ready public updates and resolution notes, per category."""

    list_display = ["title_pl", "title_en", "category", "order"]
    list_filter = ["category"]
    search_fields = ["title_pl", "title_en", "text_pl", "text_en"]
