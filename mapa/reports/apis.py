"""Public reports API. Views parse input, call one service or selector, and render."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mapa.core import openapi as doc
from mapa.core.api import GEOJSON, LimitedMultiPartParser, ServiceBusy, geojson_response
from mapa.core.serializers import validated
from mapa.idempotency import http as idempotency
from mapa.idempotency.services import KeyPending, KeyReused, Outcome, request_hash, respond_once
from mapa.limits.openapi import RETRY_AFTER, TOO_MANY_REQUESTS
from mapa.moderation.selectors import client_address
from mapa.reports import openapi as shapes
from mapa.reports.filters import ReportFilter
from mapa.reports.models import PUBLIC_REPORTS, Report
from mapa.reports.photos import PhotoBusy, PhotoError
from mapa.reports.refusals import REPORT_REFUSALS, refusal_errors
from mapa.reports.selectors import (
    new_report_detail,
    open_reports_near,
    public_report,
    report_feature_page,
)
from mapa.reports.serializers import NearbyInput, PageInput, PhotoInput, ReportCreateInput
from mapa.reports.services import photo_upload, report_create

REPORT_CREATE_ERRORS = {
    400: doc.validation_error(
        {
            "category": ["Unknown category “potholes”; see /api/categories/ for the list."],
            "location": [
                "This location is in Sopot; Gdańsk's services cannot act there. "
                "Please report it to Sopot."
            ],
            "phone": ["Enter a Polish mobile number, e.g. 501 234 567, to get updates by SMS."],
        }
    ),
    409: doc.detail_error(
        409,
        "This Idempotency-Key was already used for a different request; "
        "send a new key with a new request.",
        description=(
            "The `Idempotency-Key` was used before with another body (or on another "
            "endpoint). Nothing was saved."
        ),
    ),
    413: doc.PAYLOAD_TOO_LARGE,
    415: doc.UNSUPPORTED_MEDIA_TYPE,
    429: TOO_MANY_REQUESTS,
}

IDEMPOTENCY_KEY = OpenApiParameter(
    idempotency.HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "A unique key per report (a UUID; 1-255 visible ASCII characters, plain or as a "
        'quoted string, `"…"`). A retry with the same key and the same body files '
        "nothing and gets the first answer again, with `Idempotent-Replayed: true`; a "
        "retry sent while the first request is still running waits for it. The same key "
        "with another body is a 409; a malformed key a 400 naming `Idempotency-Key`. Keys "
        "belong to the client (a token's user; anonymous clients share one space, but "
        "an answer is replayed only for the same body) and are forgotten after 24 hours "
        "(`MAPA_IDEMPOTENCY_KEY_HOURS`)."
    ),
)


class IdempotencyConflict(APIException):
    """A 409: the Idempotency-Key holds another request's answer, or one not yet readable."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_conflict"


@extend_schema_view(
    get=extend_schema(
        operation_id="reports_list",
        summary="List reports (GeoJSON)",
        description=(
            "Reports as a GeoJSON FeatureCollection, newest first, a page at a time: "
            "`limit` (default 200, at most 1000) features, and `next` (also the `Link` "
            "header) for the following page. Filters combine. No personal data, ever."
        ),
        tags=["reports"],
        auth=doc.PUBLIC,
        parameters=[
            PageInput,
            *doc.filter_parameters(
                ReportFilter, shapes.REPORT_FILTERS, shapes.REPORT_FILTER_EXAMPLES
            ),
        ],
        responses={
            (200, doc.GEOJSON): shapes.ReportCollection,
            400: doc.validation_error(
                {"bbox": ["Give four numbers: minlon,minlat,maxlon,maxlat."]},
                summary="A bad filter",
            ),
        },
        examples=[shapes.REPORT_LIST_EXAMPLE],
    ),
    post=extend_schema(
        operation_id="reports_create",
        summary="File a report",
        description=(
            "A resident's report: a category, a GeoJSON Point in Gdańsk, a description, "
            "the answers to the category's questions (`attributes`) and up to three photos "
            "uploaded first (POST /api/photos/). It is routed at once (district by polygon, "
            "unit by category) and answered as the new report's public Feature. Contact "
            "data is stored for the staff only. With `sms_updates` the resident gets the "
            "confirmation, public updates and the resolution by SMS at `phone`, a Polish "
            "mobile number (stored as +48XXXXXXXXX). A refusal is a 400 naming the field; "
            "nothing is saved then. Send an `Idempotency-Key` to retry safely: a retry "
            "never files a second report."
        ),
        tags=["reports"],
        auth=doc.PUBLIC,
        parameters=[IDEMPOTENCY_KEY, RETRY_AFTER],
        request=ReportCreateInput,
        responses={(201, doc.GEOJSON): shapes.ReportDetailFeature, **REPORT_CREATE_ERRORS},
        examples=[
            shapes.REPORT_CREATE_REQUEST,
            shapes.REPORT_CREATE_SMS_REQUEST,
            shapes.REPORT_DETAIL_EXAMPLE,
        ],
    ),
)
class ReportListCreateApi(APIView):
    """GET: reports as a GeoJSON FeatureCollection, newest first, paged.
    POST: file a report; it is routed and stored, or refused with a 400."""

    throttle_scope = "reports"  # per client (mapa/limits/throttling.py)

    def get(self, request: Request) -> HttpResponse:
        page_input = validated(PageInput, request.query_params)
        reports = Report.objects.filter(PUBLIC_REPORTS)  # none held for review
        filters = ReportFilter(request.query_params, queryset=reports)
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
        try:
            key = idempotency.key_from(request)
        except idempotency.InvalidKey as exc:
            raise ValidationError({idempotency.HEADER: [str(exc)]}) from None
        if key is None:
            return Response(self.file(request.data), status=201, content_type=GEOJSON)
        scope = idempotency.scope_of(request.user)

        def perform() -> Outcome:
            feature = JSONRenderer().render(self.file(request.data))
            return Outcome(status.HTTP_201_CREATED, GEOJSON, feature.decode())

        fingerprint = request_hash(scope=scope, method="POST", path=request.path, data=request.data)
        try:
            outcome = respond_once(scope=scope, key=key, fingerprint=fingerprint, perform=perform)
        except KeyReused:
            raise IdempotencyConflict(idempotency.reused_message()) from None
        except KeyPending:
            raise IdempotencyConflict(idempotency.pending_message()) from None
        return idempotency.replayable(outcome)

    def file(self, body: Any) -> dict[str, Any]:
        """File the report ``body`` asks for; its public Feature (a refusal is a 400)."""
        data = validated(ReportCreateInput, body)
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
                sms_updates=data["sms_updates"],
                location_source=data["location_source"],
                photo_ids=data["photos"],
                client_address=client_address(self.request),
            )
        except REPORT_REFUSALS as exc:
            raise ValidationError(refusal_errors(exc)) from None
        # Answered from what the service holds: nothing is read back. A report held for
        # review (from a banned contact) is answered alike; reading it is a 404 until released.
        return new_report_detail(report).as_feature()


@extend_schema_view(
    get=extend_schema(
        operation_id="reports_retrieve",
        summary="Read one report",
        description=(
            "One report as a GeoJSON Feature, with the whole description, the public answers, "
            "why it went to its unit, its public history and its photos."
        ),
        tags=["reports"],
        auth=doc.PUBLIC,
        parameters=[shapes.REFERENCE],
        responses={(200, doc.GEOJSON): shapes.ReportDetailFeature, 404: doc.not_found()},
        examples=[shapes.REPORT_DETAIL_EXAMPLE],
    )
)
class ReportDetailApi(APIView):
    """GET: one report as a GeoJSON Feature, with its routing and public history."""

    def get(self, request: Request, reference: str) -> Response:
        detail = public_report(reference)
        if detail is None:
            raise NotFound(_("No report with reference %(reference)s.") % {"reference": reference})
        return Response(detail.as_feature(), content_type=GEOJSON)


@extend_schema_view(
    post=extend_schema(
        operation_id="photos_create",
        summary="Upload a photo",
        description=(
            "multipart/form-data with one `photo` (JPEG, PNG or WebP). The photo is cleaned "
            "(EXIF removed, resized) and stored unattached; send its `id` in a report's "
            "`photos`. `gps` is the position its EXIF carried, to offer as the report's point; "
            "it is not stored."
        ),
        tags=["reports"],
        auth=doc.PUBLIC,
        request={"multipart/form-data": PhotoInput},
        responses={
            201: shapes.PhotoUpload,
            400: doc.validation_error(
                {
                    "photo": [
                        "This file is not a photo Mapa can read; send a JPEG, PNG or WebP photo."
                    ]
                }
            ),
            413: doc.PAYLOAD_TOO_LARGE,
            429: TOO_MANY_REQUESTS,
            503: doc.SERVICE_BUSY,
        },
        parameters=[RETRY_AFTER],
        examples=[shapes.PHOTO_EXAMPLE],
    )
)
class PhotoUploadApi(APIView):
    """POST multipart ``photo``: store a cleaned photo to attach to a report being written.

    Answers the photo's id (send it in the report's ``photos``), its URLs, and
    the position its EXIF carried (``gps``), which is not stored.
    """

    parser_classes = [LimitedMultiPartParser]
    throttle_scope = "photos"

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


@extend_schema_view(
    get=extend_schema(
        operation_id="reports_nearby",
        summary="Open reports near a point",
        description=(
            "Open reports (new, accepted, in progress) within `radius` metres (on the spheroid) "
            "of `lon`/`lat` (WGS84), nearest first, at most 50, each with `distance_m`. The "
            "report form shows them so that a resident can see the problem is known already."
        ),
        tags=["reports"],
        auth=doc.PUBLIC,
        parameters=[NearbyInput],
        responses={
            (200, doc.GEOJSON): shapes.NearbyReportCollection,
            400: doc.validation_error({"location": ["The longitude must be a number, got 'x'."]}),
        },
        examples=[shapes.NEARBY_EXAMPLE],
    )
)
class ReportNearbyApi(APIView):
    """GET ?lon=&lat=&radius=250: open reports within radius metres, nearest first."""

    def get(self, request: Request) -> HttpResponse:
        data = validated(NearbyInput, request.query_params)
        return geojson_response(open_reports_near(data["point"], metres=data["radius"]))
