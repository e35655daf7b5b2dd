"""Mapa's URLs and error handlers, plus the drf-gis list the benchmark compares with."""

from django.urls import path

from bench.drfgis import DrfGisReportList
from mapa import urls as mapa_urls

urlpatterns = [
    path("bench/drf-gis/reports/", DrfGisReportList.as_view(), name="bench-drf-gis"),
    *mapa_urls.urlpatterns,
]

handler400 = mapa_urls.handler400
handler403 = mapa_urls.handler403
handler404 = mapa_urls.handler404
handler500 = mapa_urls.handler500
