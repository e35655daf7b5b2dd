"""Public reports API. Views parse input, call one service or selector, and render."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mapa.core.api import GEOJSON, LimitedMultiPartParser, ServiceBusy, geojson_response
from mapa.core.serializers import validated
from mapa.reports.filters import ReportFilter
from mapa.reports.models import Report
from mapa.reports.photos import PhotoBusy, PhotoError
from mapa.reports.refusals import REPORT_REFUSALS, refusal_errors
from mapa.reports.selectors import open_reports_near, public_report, report_feature_page
from mapa.reports.serializers import NearbyInput, PageInput, PhotoInput, ReportCreateInput
from mapa.reports.services import photo_upload, report_create


class ReportListCreateApi(APIView):
    """GET: reports as a GeoJSON FeatureCollection, newest first, paged.
    POST: file a report; it is routed and stored, or refused with a 400."""

    def get(self, request: Request) -> HttpResponse:
        page_input = validated(PageInput, request.query_params)
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
        data = validated(ReportCreateInput, request.data)
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
        except REPORT_REFUSALS as exc:
            raise ValidationError(refusal_errors(exc)) from None
        detail = public_report(report.reference)
        assert detail is not None  # just created
        return Response(detail.as_feature(), status=status.HTTP_201_CREATED, content_type=GEOJSON)


class ReportDetailApi(APIView):
    """GET: one report as a GeoJSON Feature, with its routing and public history."""

    def get(self, request: Request, reference: str) -> Response:
        detail = public_report(reference)
        if detail is None:
            raise NotFound(_("No report with reference %(reference)s.") % {"reference": reference})
        return Response(detail.as_feature(), content_type=GEOJSON)


class PhotoUploadApi(APIView):
    """POST multipart ``photo``: store a cleaned photo to attach to a report being written.

    Answers the photo's id (send it in the report's ``photos``), its URLs, and
    the position its EXIF carried (``gps``), which is not stored.
    """

    parser_classes = [LimitedMultiPartParser]

    def post(self, request: Request) -> Response:
        upload = validated(PhotoInput, request.data)["photo"]
        try:
            photo, gps = photo_upload(upload=upload, size=upload.size)
        except PhotoError as exc:
            raise ValidationError({"photo": [str(exc)]}) from None
        except PhotoBusy as exc:
            raise ServiceBusy(str(exc)) from None
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
        data = validated(NearbyInput, request.query_params)
        return geojson_response(open_reports_near(data["point"], metres=data["radius"]))
