"""Admin map widgets that load OpenLayers from Mapa's own static files, not a CDN."""

from __future__ import annotations

from django.contrib.gis.admin import GISModelAdmin
from django.contrib.gis.forms.widgets import OSMWidget


class LocalOSMWidget(OSMWidget):
    """Django's OSM widget with OpenLayers served by Mapa (built from npm into vendor/ol)."""

    # Gdańsk's centre. The stubs type these as int; Django itself takes any number.
    default_lon = 18.6466  # type: ignore[assignment]
    default_lat = 54.3520  # type: ignore[assignment]
    default_zoom = 11

    class Media:
        extend = False  # drop OpenLayersWidget's CDN links
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js")


class MapAdmin(GISModelAdmin):
    """An admin whose geometry fields are edited on the local OpenLayers map."""

    gis_widget = LocalOSMWidget  # type: ignore[assignment]  # Django takes the class
