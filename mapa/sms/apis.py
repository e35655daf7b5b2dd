"""The SMS APIs: the gateway's inbound webhook, and completing or dismissing a triage case
(staff)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mapa.core import openapi as doc
from mapa.core.api import LimitedJSONParser
from mapa.core.phones import sms_offered
from mapa.core.serializers import validated
from mapa.limits.openapi import RETRY_AFTER, TOO_MANY_REQUESTS
from mapa.limits.throttling import TooManyRequests, seconds_refused_for
from mapa.reports.openapi import REFERENCE
from mapa.reports.refusals import REPORT_REFUSALS, refusal_errors
from mapa.sms import openapi as shapes
from mapa.sms.access import triage_case_for
from mapa.sms.serializers import DismissInput, InboundInput
from mapa.sms.services import SmsError, case_complete, case_dismiss, text_received
from mapa.sms.signatures import HEADER, verified
from mapa.staff import serializers as staff_inputs
from mapa.staff.apis import StaffApi
from mapa.staff.openapi import CASE_DETAIL_EXAMPLE
from mapa.staff.selectors import case_detail


@extend_schema_view(
    post=extend_schema(
        operation_id="sms_inbound",
        summary="Receive a text (the gateway's webhook)",
        description=(
            "The SMS gateway calls this for every text sent to the city's number (the deaf "
            "residents' line), as JSON or as a form: `from`, `text`, `message_id` and "
            "optionally `timestamp`. The call must be signed: header `Mapa-Signature: "
            "t=<unix seconds>,v1=<hex HMAC-SHA256>` with `MAPA_SMS_INBOUND_SECRET` over "
            "`<t>.<raw body>`, `t` within 5 minutes (`MAPA_SMS_INBOUND_TOLERANCE_SECONDS`); "
            "anything else is a 403. A text opens a triage case in GCK's queue (201) and the "
            "sender gets its reference by SMS, or joins the number's open case when it came "
            "within `MAPA_SMS_JOIN_MINUTES` of the last one (200, `joined`). A `message_id` "
            "already received adds nothing (200, `duplicate`): a retried call is safe."
        ),
        tags=["sms"],
        auth=doc.PUBLIC,
        request=InboundInput,
        parameters=[RETRY_AFTER],
        responses={
            429: TOO_MANY_REQUESTS,
            201: shapes.InboundResult,
            200: shapes.InboundResult,
            400: doc.validation_error({"message_id": ["This field is required."]}),
            403: doc.detail_error(
                403,
                "The signature is missing, wrong or too old.",
                description="Not signed with the shared secret, or signed too long ago.",
            ),
        },
        examples=[
            shapes.INBOUND_JSON_EXAMPLE,
            shapes.INBOUND_OPENED_EXAMPLE,
            shapes.INBOUND_JOINED_EXAMPLE,
        ],
    )
)
class InboundSmsApi(APIView):
    authentication_classes: list[type] = []
    throttle_scope = "sms_inbound"  # per calling address (mapa/limits/throttling.py)
    parser_classes = [LimitedJSONParser, FormParser]

    def post(self, request: Request) -> Response:
        body = request.body  # the raw bytes, read before DRF parses them
        secret = settings.MAPA_SMS_INBOUND_SECRET if sms_offered() else ""
        if not verified(
            secret,
            request.headers.get(HEADER, ""),
            body,
            tolerance=settings.MAPA_SMS_INBOUND_TOLERANCE_SECONDS,
        ):
            return Response(
                {"detail": _("The signature is missing, wrong or too old.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        data = validated(InboundInput, request.data)
        # Per sender too: one phone's flood must not fill GCK's queue (the gateway retries).
        wait = seconds_refused_for("sms_sender", f"phone:{data['from']}")
        if wait:
            raise TooManyRequests(wait)
        received = text_received(
            gateway_id=data["message_id"],
            sender=data["from"],
            text=data["text"],
            sent_at=data.get("timestamp"),
        )
        outcome = "opened" if received.opened else "duplicate" if received.duplicate else "joined"
        return Response(
            {"reference": received.case.reference, "outcome": outcome},
            status=status.HTTP_201_CREATED if received.opened else status.HTTP_200_OK,
        )


@extend_schema_view(
    post=extend_schema(
        operation_id="sms_case_complete",
        summary="Complete an SMS triage case (file its report)",
        description=(
            "A consultant gives an SMS case its place and category (the intake form's fields; "
            "`channel`, `phone` and `sms_updates` are the case's own). The routed report is "
            "filed under the case's reference, the sender's number as its contact, updates "
            "by SMS, and answered as the new case. Consultants and administrators only; a "
            "case completed already is a 409."
        ),
        tags=["sms"],
        request=staff_inputs.IntakeInput,
        responses={
            (201, doc.GEOJSON): shapes.CaseDetailFeature,
            400: doc.validation_error({"description": ["Describe the problem."]}),
            401: doc.UNAUTHENTICATED,
            403: doc.forbidden("Only GCK's consultants handle SMS cases."),
            404: doc.not_found("SMS case", "No SMS case GD-2026-009999."),
            409: doc.detail_error(
                409,
                "Case GD-2026-000123 has already been completed.",
                description="Another consultant completed the case first.",
            ),
        },
        parameters=[REFERENCE],
        examples=[shapes.COMPLETE_REQUEST, CASE_DETAIL_EXAMPLE],
    )
)
class CompleteCaseApi(StaffApi):
    def post(self, request: Request, reference: str) -> Response:
        case = triage_case_for(request.user, reference)
        # The channel, number and SMS updates are the case's own, whatever the form says.
        given = {**request.data, "channel": "sms", "phone": "", "sms_updates": False}
        data = validated(staff_inputs.IntakeInput, given)
        try:
            report = case_complete(
                case=case,
                user=request.user,  # type: ignore[arg-type]
                category=data["category"],
                location=data["location"],
                description=data["description"],
                address=data["address"],
                attributes=data["attributes"],
                reporter_name=data["name"],
                reporter_email=data["email"],
                location_source=data["location_source"],
                photo_ids=data["photos"],
                priority=data["priority"],
            )
        except SmsError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        except REPORT_REFUSALS as exc:
            raise ValidationError(refusal_errors(exc)) from None
        response = Response(
            case_detail(request.user, report),
            status=status.HTTP_201_CREATED,
            content_type=doc.GEOJSON,
        )
        response["ETag"] = f'"{report.version}"'
        return response


@extend_schema_view(
    post=extend_schema(
        operation_id="sms_case_dismiss",
        summary="Dismiss an SMS triage case (not a report)",
        description=(
            "Take an open case off GCK's queue without filing a report (spam, a wrong "
            "number, nothing the city handles), with `note`, the reason (internal). The "
            "sender is not texted; reply first if a reply is owed. The number and texts are "
            "erased after the retention period. Consultants and administrators only; a case "
            "no longer open is a 409."
        ),
        tags=["sms"],
        request=DismissInput,
        responses={
            200: shapes.DismissResult,
            400: doc.validation_error({"note": ["Say why the case is dismissed."]}),
            401: doc.UNAUTHENTICATED,
            403: doc.forbidden("Only GCK's consultants handle SMS cases."),
            404: doc.not_found("SMS case", "No SMS case GD-2026-009999."),
            409: doc.detail_error(
                409,
                "Case GD-2026-000123 is no longer open.",
                description="Another consultant completed or dismissed the case first.",
            ),
        },
        parameters=[REFERENCE],
        examples=[shapes.DISMISS_REQUEST, shapes.DISMISSED_EXAMPLE],
    )
)
class DismissCaseApi(StaffApi):
    def post(self, request: Request, reference: str) -> Response:
        case = triage_case_for(request.user, reference)
        data = validated(DismissInput, request.data)
        try:
            dismissed = case_dismiss(
                case=case,
                user=request.user,  # type: ignore[arg-type]
                note=data["note"],
            )
        except SmsError as exc:
            if exc.field:
                raise ValidationError({exc.field: [str(exc)]}) from None
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response({"reference": dismissed.reference, "status": dismissed.status})
