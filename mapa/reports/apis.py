"""Public reports API. Views parse input, call one service or selector, and render."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mapa.core.api import LimitedMultiPartParser, geojson_response
from mapa.districts.routing import OutsideServiceArea, locate, route
from mapa.reports.attributes import AttributeErrors
from mapa.reports.filters import ReportFilter
from mapa.reports.geojson import report_feature
from mapa.reports.models import Category, Report
from mapa.reports.photos import PhotoError
from mapa.reports.selectors import (
    open_reports_near,
    public_attributes,
    public_history,
    public_report,
    report_feature_page,
    routing_explanation,
)
from mapa.reports.serializers import (
    NearbyInput,
    PageInput,
    PhotoInput,
    ReportCreateInput,
    RoutingPreviewInput,
)
from mapa.reports.services import PhotoNotAvailable, photo_upload, report_create


def _valid(serializer_class: type[Any], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    validated: dict[str, Any] = serializer.validated_data
    return validated


class ReportListCreateApi(APIView):
    """GET: reports as a GeoJSON FeatureCollection, newest first, paged.
    POST: file a report; it is routed and stored, or refused with a 400."""

    def get(self, request: Request) -> HttpResponse:
        page_input = _valid(PageInput, request.query_params)
        filters = ReportFilter(request.query_params, queryset=Report.objects.all())
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        page = report_feature_page(
            filters.qs, limit=page_input["limit"], after=page_input.get("cursor")
        )
        next_url = None
        if page.next_after is not None:
            params = request.query_params.copy()
            params["cursor"] = str(page.next_after)
            next_url = request.build_absolute_uri(f"{request.path}?{urlencode(params)}")
        body = (
            '{"type":"FeatureCollection","features":'
            + page.features_json
            + f',"numberReturned":{page.returned},"limit":{page_input["limit"]}'
            + f',"next":{json.dumps(next_url)}}}'
        )
        headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else None
        return geojson_response(body, headers=headers)

    def post(self, request: Request) -> HttpResponse:
        data = _valid(ReportCreateInput, request.data)
        try:
            report = report_create(
                category=data["category"],
                location=data["location"],
                description=data["description"],
                address=data["address"],
                attributes=data["attributes"],
                channel=data["channel"],
                reporter_name=data["name"],
                reporter_email=data["email"],
                reporter_phone=data["phone"],
                location_source=data["location_source"],
                photo_ids=data["photos"],
            )
        except OutsideServiceArea as exc:
            raise ValidationError({"location": [exc.message]}) from None
        except AttributeErrors as exc:
            raise ValidationError({"attributes": exc.errors}) from None
        except PhotoNotAvailable as exc:
            raise ValidationError({"photos": [str(exc)]}) from None
        return Response(
            _detail(report), status=status.HTTP_201_CREATED, content_type="application/geo+json"
        )


class ReportDetailApi(APIView):
    """GET: one report as a GeoJSON Feature, with its routing and public history."""

    def get(self, request: Request, reference: str) -> Response:
        report = public_report(reference)
        if report is None:
            raise NotFound(_("No report with reference %(reference)s.") % {"reference": reference})
        return Response(_detail(report), content_type="application/geo+json")


def _detail(report: Report) -> dict[str, Any]:
    feature = report_feature(report.pk)
    properties = feature["properties"]
    properties["description"] = report.description
    properties["attributes"] = public_attributes(report)
    properties["routing"] = {
        "reason": report.routing_reason,
        "explanation": routing_explanation(report),
    }
    properties["history"] = public_history(report)
    properties["photos"] = [
        {"url": p.image.url, "thumbnail_url": p.thumbnail.url, "width": p.width, "height": p.height}
        for p in report.photos.all()
    ]
    return feature


class PhotoUploadApi(APIView):
    """POST multipart ``photo``: store a cleaned photo to attach to a report being written.

    Answers the photo's id (send it in the report's ``photos``), its URLs, and
    the position its EXIF carried (``gps``), which is not stored.
    """

    parser_classes = [LimitedMultiPartParser]

    def post(self, request: Request) -> Response:
        upload = _valid(PhotoInput, request.data)["photo"]
        try:
            photo, gps = photo_upload(upload=upload, size=upload.size)
        except PhotoError as exc:
            raise ValidationError({"photo": [str(exc)]}) from None
        return Response(
            {
                "id": str(photo.id),
                "url": photo.image.url,
                "thumbnail_url": photo.thumbnail.url,
                "gps": {"lon": gps[0], "lat": gps[1]} if gps else None,
            },
            status=status.HTTP_201_CREATED,
        )


class ReportNearbyApi(APIView):
    """GET ?lon=&lat=&radius=250: open reports within radius metres, nearest first."""

    def get(self, request: Request) -> HttpResponse:
        data = _valid(NearbyInput, request.query_params)
        return geojson_response(open_reports_near(data["point"], metres=data["radius"]))


class CategoryListApi(APIView):
    """GET: active categories with their extra questions, in the request's language."""

    def get(self, request: Request) -> Response:
        categories = (
            Category.objects.filter(active=True)
            .select_related("default_unit")
            .prefetch_related("attributes")
        )
        return Response([_category(c) for c in categories])


def _category(category: Category) -> dict[str, Any]:
    return {
        "code": category.code,
        "name": category.name,
        "name_pl": category.name_pl,
        "name_en": category.name_en,
        "description": category.description,
        "group": category.group,
        "icon": category.icon,
        "default_unit": category.default_unit.code if category.default_unit else None,
        "attributes": [
            {
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "label": a.label,
                "values": [
                    {"key": v["key"], "name": v.get("name_en") if _en() else v.get("name_pl")}
                    for v in a.values
                ],
            }
            for a in category.attributes.all()
        ],
    }


def _en() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "pl").startswith("en")


class RoutingPreviewApi(APIView):
    """GET ?lon=&lat=[&category=]: where this is and who would handle it, and why.

    Without a category only the district is answered. Saves nothing.
    """

    def get(self, request: Request) -> Response:
        data = _valid(RoutingPreviewInput, request.query_params)
        try:
            if "category" not in data:
                place = locate(data["point"])
                return Response(
                    {
                        "district": {"slug": place.district_slug, "name": place.district_name},
                        "border_with": list(place.border_with),
                    }
                )
            decision = route(category_id=data["category"].pk, point=data["point"])
        except OutsideServiceArea as exc:
            raise ValidationError({"location": [exc.message]}) from None
        return Response(
            {
                "category": data["category"].code,
                "district": {"slug": decision.district_slug, "name": decision.district_name},
                "unit": {"code": decision.unit_code, "name": decision.unit_name},
                "routing": {
                    "reason": decision.reason,
                    "explanation": decision.explanation(),
                    "border_with": list(decision.border_with),
                },
            }
        )
