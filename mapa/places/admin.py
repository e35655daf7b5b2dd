from typing import Any

from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin
from django.http import HttpRequest

from mapa.core.widgets import LocalOSMWidget
from mapa.places.models import Place
from mapa.places.services import place_save


@admin.register(Place)
class PlaceAdmin(GISModelAdmin):
    gis_widget = LocalOSMWidget  # type: ignore[assignment]  # the stubs expect an instance
    list_display = ["label", "kind", "district", "dataset", "external_id"]
    list_filter = ["kind", "dataset", "district"]
    search_fields = ["label", "name", "street", "external_id"]
    readonly_fields = ["label", "search", "district"]
    list_select_related = ["district"]

    def save_model(self, request: HttpRequest, obj: Place, form: Any, change: bool) -> None:
        place_save(place=obj)
