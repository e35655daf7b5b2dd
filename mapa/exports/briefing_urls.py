"""Folium briefing maps under /api/exports/ (mapa/urls.py includes it)."""

from django.urls import URLPattern, path

from mapa.exports.briefing_apis import BriefingMapApi

app_name = "briefing"

urlpatterns: list[URLPattern] = [
    path("map.html", BriefingMapApi.as_view(), name="map"),
]
