from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from mapa.core.widgets import LocalOSMWidget
from mapa.places.models import Place


@admin.register(Place)
class PlaceAdmin(GISModelAdmin):
    gis_widget = LocalOSMWidget  # type: ignore[assignment]  # the stubs expect an instance
    list_display = ["label", "kind", "district", "dataset", "external_id"]
    list_filter = ["kind", "dataset", "district"]
    search_fields = ["label", "name", "street", "external_id"]
    readonly_fields = ["search"]
    list_select_related = ["district"]
