"""The staff API (``/api/staff/``): the pages use it, and other systems can, with a token.

Every view checks the role and the case on the object (``mapa.staff.access``):
a case the caller may not see is a 404, whatever the reason. Writes name the
version they saw (``If-Match: "<version>"`` or a ``version`` field); a stale one
is a 412 (If-Match) or 409 (field) saying who changed the case first.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mapa.core import openapi as doc
from mapa.core.api import GEOJSON, geojson_response
from mapa.core.serializers import validated
from mapa.reports.casework import (
    CaseworkError,
    StaleVersion,
    report_add_note,
    report_change_status,
    report_mark_duplicate,
    report_reroute,
)
from mapa.reports.models import Report, ReportStatus
from mapa.reports.openapi import REFERENCE
from mapa.reports.refusals import REPORT_REFUSALS, refusal_errors
from mapa.reports.review import report_reject_held, report_release
from mapa.reports.serializers import PageInput
from mapa.reports.services import report_create
from mapa.reports.workflow import TransitionError
from mapa.staff import openapi as shapes
from mapa.staff import serializers as inputs
from mapa.staff.access import Action, acting_unit, case_for, may, reroute_targets, visible_reports
from mapa.staff.filters import StaffReportFilter
from mapa.staff.roles import role_of
from mapa.staff.selectors import case_detail, case_page


class IsStaffMember(BasePermission):
    """Any staff role; what it may do with which case is checked on the case."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return role_of(request.user) is not None


class StaffApi(APIView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsStaffMember]


CASE = {(200, doc.GEOJSON): shapes.CaseDetailFeature}
CONFLICT = OpenApiResponse(
    response=shapes.CASE_CONFLICT,
    description="Changed by someone else since `version`, or a step the workflow forbids.",
    examples=[shapes.STALE_EXAMPLE, shapes.TRANSITION_CONFLICT_EXAMPLE],
)
PRECONDITION_FAILED = OpenApiResponse(
    response=shapes.StaleVersionError,
    description="Changed by someone else since the version in `If-Match`.",
    examples=[shapes.STALE_EXAMPLE],
)


def case_action(
    operation_id: str,
    summary: str,
    description: str,
    request: type[inputs.VersionedInput],
    body: dict[str, Any],
    bad: dict[str, list[str]],
) -> Any:
    """The OpenAPI description of a POST …/<reference>/<action>/ (CaseActionApi)."""
    return extend_schema_view(
        post=extend_schema(
            operation_id=operation_id,
            summary=summary,
            description=description
            + " Name the version you saw (`If-Match` or `version`) to be told, rather than "
            "overwrite, when someone changed the case first. Answers the case as it is now.",
            tags=["staff"],
            parameters=[REFERENCE, doc.IF_MATCH],
            request=request,
            responses={
                **CASE,
                400: doc.validation_error(bad),
                **doc.staff_errors(),
                409: CONFLICT,
                412: PRECONDITION_FAILED,
            },
            examples=[
                OpenApiExample("request", value=body, summary=summary, request_only=True),
                shapes.CASE_DETAIL_EXAMPLE,
            ],
        )
    )


@extend_schema_view(
    get=extend_schema(
        operation_id="staff_reports_list",
        summary="List cases (GeoJSON)",
        description=(
            "The cases the caller may see (a unit's staff: their unit's and its district "
            "offices'), newest first, a page at a time, with the dispatcher's filters, the "
            "number matching and counts per status. Staff properties: channel, priority, due "
            "date, overdue, flags, version; the reporter's contact only for roles that may "
            "see it."
        ),
        tags=["staff"],
        parameters=[
            PageInput,
            *doc.filter_parameters(
                StaffReportFilter, shapes.STAFF_FILTERS, shapes.STAFF_FILTER_EXAMPLES
            ),
        ],
        responses={
            (200, doc.GEOJSON): shapes.CaseCollection,
            400: doc.validation_error(
                {"unit": ["Unknown: gzdz."]}, summary="An unknown unit in a filter"
            ),
            **doc.staff_errors(not_found_too=False),
        },
        examples=[shapes.CASE_LIST_EXAMPLE],
    ),
    post=extend_schema(
        operation_id="staff_reports_create",
        summary="Register a report (intake)",
        description=(
            "A consultant registers a report taken by phone, SMS, e-mail, chat or social "
            "media: the resident's form plus the `channel` and a `priority`. It is routed "
            "like any report and answered as the new case. With `sms_updates` the resident "
            "is told by SMS at `phone` (a Polish mobile number, stored as +48XXXXXXXXX). "
            "Roles that may not take reports get a 403."
        ),
        tags=["staff"],
        request=inputs.IntakeInput,
        responses={
            (201, doc.GEOJSON): shapes.CaseDetailFeature,
            400: doc.validation_error({"description": ["Describe the problem."]}),
            401: doc.UNAUTHENTICATED,
            403: doc.forbidden("Your role may not register reports."),
            413: doc.PAYLOAD_TOO_LARGE,
        },
        examples=[shapes.INTAKE_REQUEST, shapes.CASE_DETAIL_EXAMPLE],
    ),
)
class StaffReportListApi(StaffApi):
    """GET: the cases the caller may see, filtered, as GeoJSON with counts per status.
    POST: a consultant registers a report taken by phone, SMS, e-mail, chat or social media."""

    def get(self, request: Request) -> HttpResponse:
        page_input = validated(PageInput, request.query_params)
        filters = StaffReportFilter(request.query_params, queryset=visible_reports(request.user))
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        result = case_page(
            request.user, filters.qs, limit=page_input["limit"], after=page_input.get("cursor")
        )
        next_url = None
        if result.page.next_after is not None:
            params = request.query_params.copy()
            params["cursor"] = str(result.page.next_after)
            next_url = request.build_absolute_uri(f"{request.path}?{urlencode(params)}")
        body = (
            '{"type":"FeatureCollection","features":'
            + result.page.features_json
            + f',"numberReturned":{result.page.returned},"numberMatched":{result.total}'
            + f',"counts":{json.dumps(result.counts)},"limit":{page_input["limit"]}'
            + f',"next":{json.dumps(next_url)}}}'
        )
        headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else None
        return geojson_response(body, headers=headers)

    def post(self, request: Request) -> Response:
        if not may(request.user, Action.INTAKE):
            return Response(
                {"detail": _("Your role may not register reports.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        data = validated(inputs.IntakeInput, request.data)
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
                actor=request.user,  # type: ignore[arg-type]
                registered_by=request.user,  # type: ignore[arg-type]
                priority=data["priority"],
            )
        except REPORT_REFUSALS as exc:
            raise ValidationError(refusal_errors(exc)) from None
        return _case_response(request, report, status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        operation_id="staff_reports_retrieve",
        summary="Read one case",
        description=(
            "Everything staff may see of one case: the public report, the staff's "
            "properties, every event with internal notes, the audit trail, the steps the "
            "workflow allows next and the ready answers. The `ETag` header is the version "
            "to send back in `If-Match`. A case the caller may not see is a 404."
        ),
        tags=["staff"],
        parameters=[REFERENCE],
        responses={**CASE, **doc.staff_errors()},
        examples=[shapes.CASE_DETAIL_EXAMPLE],
    )
)
class StaffReportDetailApi(StaffApi):
    """GET: everything staff may see of one case, its full history and internal notes."""

    def get(self, request: Request, reference: str) -> Response:
        return _case_response(request, case_for(request.user, reference))


class CaseActionApi(StaffApi):
    """A POST that changes one case, through one casework service."""

    action: Action
    input_class: type[inputs.VersionedInput]

    def post(self, request: Request, reference: str) -> Response:
        report = case_for(request.user, reference, self.action)
        data = validated(self.input_class, request.data)
        expected, from_header = _expected_version(request, data)
        try:
            self.act(request, report, data, expected)
        except StaleVersion as exc:
            return Response(
                {"detail": str(exc), "version": exc.current, "changed_by": exc.changed_by},
                status=status.HTTP_412_PRECONDITION_FAILED
                if from_header
                else status.HTTP_409_CONFLICT,
            )
        except TransitionError as exc:
            return Response(
                {"detail": str(exc), "allowed": exc.allowed}, status=status.HTTP_409_CONFLICT
            )
        except CaseworkError as exc:
            raise ValidationError({exc.field: [str(exc)]}) from None
        report.refresh_from_db()
        return _case_response(request, report)

    def act(
        self, request: Request, report: Report, data: dict[str, Any], expected: int | None
    ) -> None:
        raise NotImplementedError


@case_action(
    "staff_reports_transition",
    "Move a case to its next status",
    "POST `status` and optional `public_note` (the resident reads it; required to resolve "
    "or reject) and `internal_note`. A step the workflow does not allow is a 409 listing "
    "the allowed ones; to mark a duplicate use …/duplicate/.",
    inputs.TransitionInput,
    {"status": "in_progress", "public_note": "Ekipa jedzie na miejsce.", "version": 2},
    {"status": ['"closed" is not a valid choice.']},
)
class TransitionApi(CaseActionApi):
    """POST {status, public_note, internal_note}: the next step; a 409 names the allowed."""

    action = Action.TRANSITION
    input_class = inputs.TransitionInput

    def act(
        self, request: Request, report: Report, data: dict[str, Any], expected: int | None
    ) -> None:
        if data["status"] == ReportStatus.DUPLICATE:
            raise CaseworkError(
                _("To mark a duplicate, use …/duplicate/ with the original's reference."),
                field="status",
            )
        report_change_status(
            report=report,
            status=data["status"],
            public_note=data["public_note"],
            internal_note=data["internal_note"],
            expected_version=expected,
            **_actor(request),
        )


@case_action(
    "staff_reports_reroute",
    "Send a case to another unit",
    "POST the `unit` code and a `reason` (required, public). Only to units the caller may "
    "send cases to.",
    inputs.RerouteInput,
    {"unit": "sm", "reason": "To sprawa Straży Miejskiej.", "version": 2},
    {"unit": ["You may not send a case to this unit."]},
)
class RerouteApi(CaseActionApi):
    """POST {unit, reason}: send the case to another unit; the reason is required and public."""

    action = Action.REROUTE
    input_class = inputs.RerouteInput

    def act(
        self, request: Request, report: Report, data: dict[str, Any], expected: int | None
    ) -> None:
        if not reroute_targets(request.user).filter(pk=data["unit"].pk).exists():
            raise CaseworkError(_("You may not send a case to this unit."), field="unit")
        report_reroute(
            report=report,
            unit=data["unit"],
            reason=data["reason"],
            expected_version=expected,
            **_actor(request),
        )


@case_action(
    "staff_reports_duplicate",
    "Close a case as a duplicate",
    "POST `of`, the original's reference, and an optional `public_note`: this case "
    "becomes a duplicate of it and its photos move there.",
    inputs.DuplicateInput,
    {"of": "GD-2026-000001", "public_note": "Zgłoszone już wcześniej."},
    {"of": ["No report with reference GD-2026-009999."]},
)
class DuplicateApi(CaseActionApi):
    """POST {of}: close this case as a duplicate of ``of``; its photos move there."""

    action = Action.DUPLICATE
    input_class = inputs.DuplicateInput

    def act(
        self, request: Request, report: Report, data: dict[str, Any], expected: int | None
    ) -> None:
        original = visible_reports(request.user).filter(reference=data["of"]).first()
        if original is None:
            raise CaseworkError(
                _("No report with reference %(reference)s.") % {"reference": data["of"]},
                field="of",
            )
        if original.pk == report.pk:  # bad input naming ``of``, not a workflow conflict
            raise CaseworkError(_("A report cannot duplicate itself."), field="of")
        report_mark_duplicate(
            report=report,
            original=original,
            public_note=data["public_note"],
            expected_version=expected,
            **_actor(request),
        )


@case_action(
    "staff_reports_unduplicate",
    "Undo a duplicate",
    "The case is accepted again and gets its photos back (optional `internal_note`).",
    inputs.UnduplicateInput,
    {"internal_note": "To jednak inna dziura.", "version": 3},
    {"status": ["This case is not marked as a duplicate."]},
)
class UnduplicateApi(CaseActionApi):
    """POST: undo "duplicate": the case is accepted again and gets its photos back."""

    action = Action.DUPLICATE
    input_class = inputs.UnduplicateInput

    def act(
        self, request: Request, report: Report, data: dict[str, Any], expected: int | None
    ) -> None:
        if report.status != ReportStatus.DUPLICATE:
            raise CaseworkError(_("This case is not marked as a duplicate."), field="status")
        report_change_status(
            report=report,
            status=ReportStatus.ACCEPTED,
            internal_note=data["internal_note"],
            expected_version=expected,
            **_actor(request),
        )


@case_action(
    "staff_reports_note",
    "Add a note to a case",
    "POST a `public_note` (the resident reads it on the report's page) and/or an "
    "`internal_note` (staff only).",
    inputs.NoteInput,
    {"public_note": "Sprawdzamy.", "internal_note": "Zadzwonić do GZDiZ.", "version": 2},
    {"public_note": ["Ensure this field has no more than 2000 characters."]},
)
class NoteApi(CaseActionApi):
    """POST {public_note, internal_note}: a public update and/or a note only staff see."""

    action = Action.NOTE
    input_class = inputs.NoteInput

    def act(
        self, request: Request, report: Report, data: dict[str, Any], expected: int | None
    ) -> None:
        report_add_note(
            report=report,
            public_note=data["public_note"],
            internal_note=data["internal_note"],
            expected_version=expected,
            **_actor(request),
        )


@case_action(
    "staff_reports_review",
    "Release or reject a report held for review",
    "A report from a banned contact (e-mail, phone or IP network on the ban list) is "
    "filed held for review: not public, and nobody notified. POST `decision`: `release` "
    "(it becomes a new report as any other: public, its unit and the resident notified, "
    "its deadline counted from now) or `reject` (closed as rejected, still hidden, nobody "
    "told), and an optional `internal_note`. Consultants and administrators only; a report "
    "that is not waiting for review is a 409.",
    inputs.ReviewInput,
    {"decision": "release", "internal_note": "Zgłoszenie rzeczowe.", "version": 1},
    {"decision": ['"keep" is not a valid choice.']},
)
class ReviewApi(CaseActionApi):
    """POST {decision: release|reject, internal_note}: decide on a report held for review."""

    action = Action.REVIEW
    input_class = inputs.ReviewInput

    def act(
        self, request: Request, report: Report, data: dict[str, Any], expected: int | None
    ) -> None:
        decide = report_release if data["decision"] == "release" else report_reject_held
        decide(
            report=report,
            internal_note=data["internal_note"],
            expected_version=expected,
            **_actor(request),
        )


def _actor(request: Request) -> dict[str, Any]:
    return {"actor": request.user, "actor_unit": acting_unit(request.user)}


def _expected_version(request: Request, data: dict[str, Any]) -> tuple[int | None, bool]:
    """The version the client saw: ``If-Match: "12"`` (412 when stale) or ``version`` (409)."""
    header = request.headers.get("If-Match", "").strip()
    if header:
        tag = header.removeprefix("W/").strip('"')
        if not tag.isdigit():
            raise ValidationError(
                {"If-Match": [_('Give the version as an entity tag: If-Match: "12".')]}
            )
        return int(tag), True
    return data.get("version"), False


def _case_response(request: Request, report: Report, code: int = status.HTTP_200_OK) -> Response:
    response = Response(case_detail(request.user, report), status=code, content_type=GEOJSON)
    response["ETag"] = f'"{report.version}"'
    return response
