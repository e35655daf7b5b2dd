"""The map's "me too": follow a nearby report by e-mail (double opt-in), as JSON."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mapa.alerts.services import SubscriptionRefused, follow_request
from mapa.core import openapi as doc
from mapa.core.serializers import validated
from mapa.limits.openapi import RETRY_AFTER, TOO_MANY_REQUESTS
from mapa.notifications.receivers import resident_language
from mapa.reports.models import PUBLIC_REPORTS, Report


class FollowInput(serializers.Serializer):  # type: ignore[type-arg]
    reference = serializers.CharField(
        max_length=20,
        help_text="The report's reference, e.g. GD-2026-000123.",
        error_messages={"required": gettext_lazy("Which report? (the reference)")},
    )
    email = serializers.EmailField(
        max_length=254,
        help_text="Where to send the confirmation link, then the updates. Never shown anywhere.",
        error_messages={
            "required": gettext_lazy("Give your e-mail address."),
            "blank": gettext_lazy("Give your e-mail address."),
            "invalid": gettext_lazy("This is not an e-mail address."),
        },
    )


class FollowAccepted(serializers.Serializer):  # type: ignore[type-arg]
    detail = serializers.CharField(help_text="What happens next, for a person to read.")


@extend_schema_view(
    post=extend_schema(
        operation_id="alerts_follow",
        summary="Follow a report by e-mail (“me too”)",
        description=(
            "Ask to be e-mailed every public update of an open report and its resolution. "
            "Double opt-in: only a confirmation e-mail with a signed link (valid 7 days) is "
            "sent; nothing else before it is followed. The answer is the same whether or "
            "not the address already follows the report, so it tells no one who follows "
            "what. Asking again resends the confirmation (at most once an hour). A closed "
            "report is refused (400, `reference`). E-mails are in the request's language."
        ),
        tags=["alerts"],
        auth=doc.PUBLIC,
        request=FollowInput,
        parameters=[RETRY_AFTER],
        responses={
            202: FollowAccepted,
            429: TOO_MANY_REQUESTS,
            400: doc.validation_error(
                {"email": ["This is not an e-mail address."]},
                more=[
                    OpenApiExample(
                        "closed",
                        summary="The report is closed",
                        value={
                            "reference": [
                                "This report is closed: there will be no more news to follow."
                            ]
                        },
                        status_codes=["400"],
                        response_only=True,
                    )
                ],
            ),
        },
        examples=[
            OpenApiExample(
                "follow",
                summary="Follow a pothole report",
                value={"reference": "GD-2026-000123", "email": "resident@example.com"},
                request_only=True,
            ),
            OpenApiExample(
                "accepted",
                summary="The confirmation link is on its way",
                value={
                    "detail": "Check your inbox: we sent a link to confirm. Nothing more "
                    "is sent until you confirm."
                },
                status_codes=["202"],
                response_only=True,
            ),
        ],
    )
)
class FollowApi(APIView):
    """POST {"reference", "email"}: a follow, unconfirmed; its confirmation e-mail queued."""

    throttle_scope = "subscriptions"  # per client (mapa/limits/throttling.py)

    def post(self, request: Request) -> Response:
        data = validated(FollowInput, request.data)
        report = Report.objects.filter(
            PUBLIC_REPORTS, reference=data["reference"].strip().upper()
        ).first()
        if report is None:
            raise ValidationError(
                {"reference": [_("No report with reference %(reference)s.") % data]}
            )
        try:
            follow_request(report=report, email=data["email"], language=resident_language())
        except SubscriptionRefused as refused:
            raise ValidationError(refused.errors) from None
        return Response(
            {
                "detail": _(
                    "Check your inbox: we sent a link to confirm. Nothing more is sent "
                    "until you confirm."
                )
            },
            status=status.HTTP_202_ACCEPTED,
        )
