"""The same reports through djangorestframework-gis, for comparison with Mapa's SQL-built GeoJSON.

Mapa uses drf-gis only for its GeoJSON *input* field and filters; its lists are built by
PostGIS (``mapa.reports.geojson``). To measure what that choice is worth, this is the
idiomatic drf-gis list: a ``GeoFeatureModelSerializer`` with the same public properties
as Mapa's list features, over the same rows (the same ``ReportFilter``, newest first,
``limit``), with ``select_related``/``prefetch_related`` so that it runs a fixed number
of queries, served by the same gunicorn under ``bench.settings`` at
``/bench/drf-gis/reports/``. It exists for the benchmark only.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from mapa.reports.filters import ReportFilter
from mapa.reports.geojson import SUMMARY_CHARS
from mapa.reports.models import Report


class ReportFeatureSerializer(GeoFeatureModelSerializer):  # type: ignore[misc]
    """Mapa's public list feature (``mapa.reports.geojson.FEATURE_SQL``), the drf-gis way."""

    url = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display")
    is_open = serializers.BooleanField()
    category = serializers.SerializerMethodField()
    district = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    photo_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        geo_field = "location"
        id_field = "reference"
        fields = (
            "reference",
            "url",
            "status",
            "status_label",
            "is_open",
            "category",
            "district",
            "unit",
            "description",
            "address",
            "photo_url",
            "thumbnail_url",
            "created_at",
            "updated_at",
        )

    def get_url(self, report: Report) -> str:
        return reverse("web:report", args=[report.reference])

    def get_category(self, report: Report) -> dict[str, Any]:
        c = report.category
        return {"code": c.code, "name": c.name_pl, "icon": c.icon}

    def get_district(self, report: Report) -> dict[str, Any] | None:
        d = report.district
        return None if d is None else {"slug": d.slug, "name": d.name}

    def get_unit(self, report: Report) -> dict[str, Any]:
        return {"code": report.unit.code, "name": report.unit.name}

    def get_description(self, report: Report) -> str:
        text = report.description
        return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"

    def _photo(self, report: Report) -> Any:
        photos = list(report.photos.all())
        return photos[0] if photos else None

    def get_photo_url(self, report: Report) -> str | None:
        photo = self._photo(report)
        return None if photo is None else str(photo.image.url)

    def get_thumbnail_url(self, report: Report) -> str | None:
        photo = self._photo(report)
        return None if photo is None else str(photo.thumbnail.url)


class DrfGisReportList(APIView):
    """GET with Mapa's list parameters (``status``, ``bbox``, ``limit``): a FeatureCollection."""

    def get(self, request: Request) -> Response:
        filters = ReportFilter(request.query_params, queryset=Report.objects.all())
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        limit = min(int(request.query_params.get("limit", "200")), 10_000)
        rows = (
            filters.qs.select_related("category", "district", "unit")
            .prefetch_related("photos")
            .order_by("-id")[:limit]
        )
        return Response(ReportFeatureSerializer(rows, many=True).data)
