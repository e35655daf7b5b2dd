"""Folium briefing maps under /api/exports/ (mapa/urls.py includes it)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
