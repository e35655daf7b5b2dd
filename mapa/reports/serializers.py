"""Input serializers: they parse and check what clients send, nothing more."""

from __future__ import annotations

import math
from typing import Any

from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from mapa.catalogue.serializers import CategoryCodeField
from mapa.core.phones import sms_number, sms_offered
from mapa.core.serializers import GeoJSONPointField, LonLatInput, TextField
from mapa.reports.models import DESCRIPTION_MAX_LENGTH, Channel, LocationSource
from mapa.reports.selectors import LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT, NEARBY_MAX_METRES

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()-]{5,24}$",
    gettext_lazy("Enter a phone number of digits, optionally with +, spaces or dashes."),
)


# The honeypot: a field the resident's forms hide from people (off-screen, out of the tab
# order, hidden from screen readers, never autofilled), which bots that fill every field
# fill. A report with it filled is refused, naming it; no CAPTCHA locks anyone out.
HONEYPOT = "website"


def honeypot_error() -> str:
    return _("Leave this field empty: it is a trap for spam robots.")


class ReportCreateInput(serializers.Serializer):  # type: ignore[type-arg]
    category = CategoryCodeField()
    location = GeoJSONPointField()
    description = TextField(max_length=DESCRIPTION_MAX_LENGTH)
    address = TextField(max_length=200, required=False, default="", allow_blank=True)
    attributes = serializers.DictField(required=False, default=dict)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.WEB)
    name = TextField(
        max_length=100, required=False, default="", allow_blank=True, trim_whitespace=True
    )
    email = serializers.EmailField(required=False, default="", allow_blank=True)
    phone = TextField(
        max_length=30,
        required=False,
        default="",
        allow_blank=True,
        trim_whitespace=True,
        validators=[phone_validator],
    )
    sms_updates = serializers.BooleanField(
        default=False,
        help_text="Send the confirmation, public updates and the resolution by SMS to `phone` "
        "(a Polish mobile number). Refused (400) where the site sends no SMS.",
    )
    location_source = serializers.ChoiceField(
        choices=LocationSource.choices, default=LocationSource.PIN
    )
    photos = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list, max_length=3
    )
    website = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        trim_whitespace=False,
        max_length=200,
        help_text="Leave it out, or empty. The resident's forms hide it from people; "
        "a bot that fills it is refused (400 naming `website`).",
    )

    def validate_website(self, value: str) -> str:
        if value:
            raise serializers.ValidationError(honeypot_error())
        return value

    def validate_description(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(_("Describe the problem."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return with_sms_number(attrs)


def with_sms_number(attrs: dict[str, Any]) -> dict[str, Any]:
    """``attrs`` with ``phone`` in E.164 when ``sms_updates`` is asked; a 400 naming the
    field when SMS is not offered or the phone cannot receive it."""
    if not attrs.get("sms_updates"):
        return attrs
    if not sms_offered():
        raise serializers.ValidationError({"sms_updates": [_("This site sends no SMS.")]})
    try:
        return {**attrs, "phone": sms_number(attrs.get("phone", ""))}
    except ValueError as exc:
        raise serializers.ValidationError({"phone": [str(exc)]}) from None


class NearbyInput(LonLatInput):
    radius = serializers.FloatField(
        default=250, min_value=1, max_value=NEARBY_MAX_METRES, help_text="Metres."
    )

    def validate_radius(self, value: float) -> float:
        if not math.isfinite(value):  # NaN slips past min/max comparisons
            raise serializers.ValidationError(_("A valid number is required."))
        return value


class PhotoInput(serializers.Serializer):  # type: ignore[type-arg]
    photo = serializers.FileField(allow_empty_file=False)


class PageInput(serializers.Serializer):  # type: ignore[type-arg]
    limit = serializers.IntegerField(
        default=LIST_DEFAULT_LIMIT,
        min_value=1,
        max_value=LIST_MAX_LIMIT,
        help_text="How many features a page holds at most.",
    )
    cursor = serializers.IntegerField(
        required=False, min_value=1, help_text="Where the page starts: take it from `next`."
    )
