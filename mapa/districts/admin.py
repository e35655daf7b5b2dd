from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from mapa.core.widgets import LocalOSMWidget
from mapa.districts.models import City, District, RoutingRule, Unit


class MapAdmin(GISModelAdmin):
    gis_widget = LocalOSMWidget  # type: ignore[assignment]  # Django takes the class


@admin.register(City)
class CityAdmin(MapAdmin):
    list_display = ["name", "slug", "served", "reference_prefix", "teryt"]
    list_filter = ["served"]
    search_fields = ["name", "slug", "teryt"]


@admin.register(District)
class DistrictAdmin(MapAdmin):
    list_display = ["name", "slug", "city"]
    list_filter = ["city"]
    search_fields = ["name", "slug"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ["code", "name", "parent", "email", "is_triage", "active"]
    list_filter = ["active", "is_triage", "parent"]
    search_fields = ["code", "name", "short_name"]
    filter_horizontal = ["districts"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin[RoutingRule]):
    list_display = ["category", "unit", "district_list", "active", "note"]
    list_filter = ["active", "category", "unit"]
    filter_horizontal = ["districts"]

    @admin.display(description="districts")
    def district_list(self, rule: RoutingRule) -> str:
        return ", ".join(d.name for d in rule.districts.all()) or "(city-wide)"
