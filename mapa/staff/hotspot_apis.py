"""Hotspots in the staff API: where open reports cluster now, and merging one into a case.

``GET /api/staff/hotspots/`` clusters only the cases the caller may see
(``mapa.reports.hotspots``). ``POST /api/staff/hotspots/merge/`` folds a
hotspot's cases into one: every case named but ``into`` becomes a duplicate
of ``into``, all or none. A case the caller may not see is reported exactly
as one that does not exist.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from mapa.core import openapi as doc
from mapa.core.api import GEOJSON, geojson_response
from mapa.core.serializers import validated
from mapa.reports.casework import CaseworkError
from mapa.reports.hotspots import MERGE_MAX, hotspot_merge, hotspots_geojson
from mapa.reports.workflow import TransitionError
from mapa.staff import openapi as shapes
from mapa.staff.access import Action, acting_unit, may, visible_reports
from mapa.staff.apis import StaffApi
from mapa.staff.geojson import case_url_parts
from mapa.staff.selectors import case_detail

REFERENCE_MAX = 32
NOTE_MAX = 2000


class HotspotMergeInput(serializers.Serializer):  # type: ignore[type-arg]
    references = serializers.ListField(
        child=serializers.CharField(max_length=REFERENCE_MAX),
        min_length=1,
        max_length=MERGE_MAX,
    )
    into = serializers.CharField(max_length=REFERENCE_MAX)
    public_note = serializers.CharField(
        max_length=NOTE_MAX, required=False, default="", allow_blank=True
    )


@extend_schema_view(
    get=extend_schema(
        operation_id="staff_hotspots_list",
        summary="List hotspots (GeoJSON)",
        description=(
            "Where open reports of one category cluster now (each category sets how many "
            "reports within how many metres and hours make a hotspot), among the cases the "
            "caller may see, largest first: the cluster's padded outline, its cases and the "
            "one suggested to merge the others into."
        ),
        tags=["staff"],
        responses={
            (200, doc.GEOJSON): shapes.HotspotCollection,
            **doc.staff_errors(not_found_too=False),
        },
        examples=[shapes.HOTSPOTS_EXAMPLE],
    )
)
class HotspotListApi(StaffApi):
    """GET: the hotspots among the cases the caller may see, as GeoJSON (largest first)."""

    def get(self, request: Request) -> HttpResponse:
        if not may(request.user, Action.TOOLS):
            raise PermissionDenied(_("Your role sees only the reports it filed."))
        body = hotspots_geojson(reports=visible_reports(request.user), case_url=case_url_parts())
        return geojson_response(body)


@extend_schema_view(
    post=extend_schema(
        operation_id="staff_hotspots_merge",
        summary="Merge a hotspot into one case",
        description=(
            "Every case in `references` but `into` becomes a duplicate of `into` (its "
            "photos move there), all or none; answers the surviving case. A case the caller "
            "may not see is named as unknown, like one that does not exist."
        ),
        tags=["staff"],
        request=HotspotMergeInput,
        responses={
            (200, doc.GEOJSON): shapes.CaseDetailFeature,
            400: doc.validation_error({"references": ["No report with reference GD-2026-009999."]}),
            401: doc.UNAUTHENTICATED,
            403: doc.forbidden("Your role may not merge cases."),
            409: OpenApiResponse(
                response=shapes.TransitionConflict,
                description="One of the cases cannot become a duplicate from its status.",
                examples=[shapes.TRANSITION_CONFLICT_EXAMPLE],
            ),
        },
        examples=[
            OpenApiExample(
                "merge",
                summary="Three reports of one overflowing bin",
                value={
                    "references": ["GD-2026-000002", "GD-2026-000007", "GD-2026-000009"],
                    "into": "GD-2026-000002",
                    "public_note": "Zgłoszenia dotyczą tego samego kosza.",
                },
                request_only=True,
            ),
            shapes.CASE_DETAIL_EXAMPLE,
        ],
    )
)
class HotspotMergeApi(StaffApi):
    """POST {references, into[, public_note]}: the other cases become duplicates of ``into``."""

    def post(self, request: Request) -> Response:
        if not may(request.user, Action.MERGE):
            return Response(
                {"detail": _("Your role may not merge cases.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        data = validated(HotspotMergeInput, request.data)
        visible = visible_reports(request.user)
        into = visible.filter(reference=data["into"]).first()
        if into is None:
            raise ValidationError({"into": [_unknown(data["into"])]})
        named = list(dict.fromkeys(data["references"]))
        found = {r.reference: r for r in visible.filter(reference__in=named)}
        missing = [reference for reference in named if reference not in found]
        if missing:
            raise ValidationError({"references": [_unknown(r) for r in missing]})
        try:
            survivor = hotspot_merge(
                reports=list(found.values()),
                into=into,
                actor=request.user,  # type: ignore[arg-type]
                actor_unit=acting_unit(request.user),
                public_note=data["public_note"],
            )
        except TransitionError as exc:
            return Response(
                {"detail": str(exc), "allowed": exc.allowed}, status=status.HTTP_409_CONFLICT
            )
        except CaseworkError as exc:
            raise ValidationError({exc.field: [str(exc)]}) from None
        response = Response(case_detail(request.user, survivor), content_type=GEOJSON)
        response["ETag"] = f'"{survivor.version}"'
        return response


def _unknown(reference: str) -> str:
    return _("No report with reference %(reference)s.") % {"reference": reference}
