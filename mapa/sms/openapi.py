"""The SMS APIs' shapes and examples, for their OpenAPI description."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from mapa.staff.openapi import CaseDetailFeature

__all__ = ["CaseDetailFeature"]


class InboundResult(serializers.Serializer):  # type: ignore[type-arg]
    reference = serializers.CharField(help_text="The triage case's reference (GD-2026-000123).")
    outcome = serializers.ChoiceField(
        choices=["opened", "joined", "duplicate"],
        help_text="`opened`: a new case, its reference sent back by SMS; `joined`: added to "
        "the number's open case; `duplicate`: this message id was received already.",
    )


INBOUND_JSON_EXAMPLE = OpenApiExample(
    "inbound",
    summary="A text from a resident, as the gateway forwards it (signed)",
    value={
        "from": "48501234567",
        "text": "Na Piwnej 27 od rana leży przewrócone drzewo, nie da się przejść.",
        "message_id": "sms-7f3a9c21",
        "timestamp": 1796031234,
    },
    request_only=True,
)

INBOUND_OPENED_EXAMPLE = OpenApiExample(
    "opened",
    summary="A new triage case",
    value={"reference": "GD-2026-000123", "outcome": "opened"},
    response_only=True,
    status_codes=["201"],
)

INBOUND_JOINED_EXAMPLE = OpenApiExample(
    "joined",
    summary="A second text within the window: the same case",
    value={"reference": "GD-2026-000123", "outcome": "joined"},
    response_only=True,
    status_codes=["200"],
)


class DismissResult(serializers.Serializer):  # type: ignore[type-arg]
    reference = serializers.CharField(help_text="The triage case's reference (GD-2026-000123).")
    status = serializers.ChoiceField(choices=["dismissed"], help_text="Always `dismissed`.")


DISMISS_REQUEST = OpenApiExample(
    "dismiss",
    summary="Not a report: the consultant's reason",
    value={"note": "Reklama, nie zgłoszenie."},
    request_only=True,
)

DISMISSED_EXAMPLE = OpenApiExample(
    "dismissed",
    summary="Off the queue, not a report",
    value={"reference": "GD-2026-000123", "status": "dismissed"},
    response_only=True,
    status_codes=["200"],
)

COMPLETE_REQUEST = OpenApiExample(
    "complete",
    summary="The consultant's place and category for the texts",
    value={
        "category": "tree-greenery",
        "location": {"type": "Point", "coordinates": [18.6511, 54.3498]},
        "location_source": "address",
        "address": "Piwna 27",
        "description": "Na Piwnej 27 od rana leży przewrócone drzewo, nie da się przejść.",
        "priority": "high",
    },
    request_only=True,
)
