"""Unit exports under /api/exports/ (mapa/urls.py includes it)."""

from django.urls import URLPattern, path

from mapa.exports.apis import CsvExportApi, GeoJSONExportApi

app_name = "exports"

urlpatterns: list[URLPattern] = [
    path("reports.geojson", GeoJSONExportApi.as_view(), name="reports-geojson"),
    path("reports.csv", CsvExportApi.as_view(), name="reports-csv"),
]
