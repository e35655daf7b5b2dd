"""Input of the SMS APIs: the gateway's inbound call, a staff reply."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mapa.core.serializers import TextField
from mapa.sms.services import DISMISSAL_NOTE_MAX_LENGTH, TEXT_MAX_LENGTH


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "description": "Unix seconds."},
            {"type": "string", "format": "date-time"},
        ]
    }
)
class TimestampField(serializers.Field):  # type: ignore[type-arg]
    """When the resident sent the text: unix seconds, or ISO 8601 with a time zone."""

    def to_internal_value(self, data: Any) -> datetime:
        if isinstance(data, int | float) or (isinstance(data, str) and data.isdigit()):
            try:
                return datetime.fromtimestamp(int(data), tz=UTC)
            except (OverflowError, OSError, ValueError):
                pass
        elif isinstance(data, str) and (parsed := parse_datetime(data)) and parsed.tzinfo:
            return parsed
        raise serializers.ValidationError(
            _("Give unix seconds or an ISO 8601 time with a time zone.")
        )

    def to_representation(self, value: datetime) -> str:
        return value.isoformat()


class InboundInput(serializers.Serializer):  # type: ignore[type-arg]
    """``from`` (the sender's number), ``text``, ``message_id``, ``timestamp``."""

    text = serializers.CharField(max_length=TEXT_MAX_LENGTH * 4, trim_whitespace=True)
    message_id = serializers.CharField(max_length=100)
    timestamp = TimestampField(required=False)

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        fields = super().get_fields()
        # "from" is a Python keyword: added here rather than declared.
        fields["from"] = serializers.RegexField(
            r"^\+?[0-9]{6,15}$",
            max_length=16,
            help_text="The sender's number, e.g. 48501234567 or +48501234567 (personal data).",
            error_messages={"invalid": _("Give the sender's number in digits.")},
        )
        return fields


class ReplyInput(serializers.Serializer):  # type: ignore[type-arg]
    text = TextField(max_length=500)


class DismissInput(serializers.Serializer):  # type: ignore[type-arg]
    note = TextField(
        max_length=DISMISSAL_NOTE_MAX_LENGTH,
        trim_whitespace=True,
        help_text="Why the case is not a report (internal: staff pages and the admin only).",
    )
