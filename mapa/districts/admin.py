from django.contrib import admin

from mapa.core.widgets import MapAdmin
from mapa.districts.models import City, District


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
