"""Open311 GeoReport v2 under /open311/v2/ (mapa/urls.py includes it)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
