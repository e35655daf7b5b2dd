"""Admin map widgets that load OpenLayers from Mapa's own static files, not a CDN, and run
no inline code (the Content-Security-Policy allows none): Django's widget template holds a
``<script>`` with the options, Mapa's holds them as JSON read by ``core/map-widget.js``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.gis.admin import GISModelAdmin
from django.contrib.gis.forms.widgets import OSMWidget


class LocalOSMWidget(OSMWidget):
    """Django's OSM widget with OpenLayers served by Mapa (built from npm into vendor/ol)."""

    # Gdańsk's centre. The stubs type these as int; Django itself takes any number.
    default_lon = 18.6466  # type: ignore[assignment]
    default_lat = 54.3520  # type: ignore[assignment]
    default_zoom = 11
    template_name = "core/map_widget.html"

    class Media:
        extend = False  # drop OpenLayersWidget's CDN links
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js", "core/map-widget.js")

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(name, value, attrs)
        widget_id = context["id"]
        context["mapa_options_id"] = f"{widget_id}_mapa_options"
        context["mapa_options"] = {
            "geom_name": context["geom_type"],
            "id": widget_id,
            "map_id": f"{widget_id}_map",
            "map_srid": context["map_srid"],
            "name": context["name"],
            "module": context["module"],
            "default_lon": float(self.attrs["default_lon"]),
            "default_lat": float(self.attrs["default_lat"]),
            "default_zoom": int(self.attrs["default_zoom"]),
            "tile_url": settings.MAPA_TILE_URL,
            "tile_attribution": settings.MAPA_TILE_ATTRIBUTION,
        }
        return context


class MapAdmin(GISModelAdmin):
    """An admin whose geometry fields are edited on the local OpenLayers map."""

    gis_widget = LocalOSMWidget  # type: ignore[assignment]  # Django takes the class
