"""What staff send: intake, transitions, re-routing, duplicates and notes. Parsing only."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from mapa.catalogue.models import Unit
from mapa.core.serializers import TextField
from mapa.reports.models import Channel, Priority, ReportStatus
from mapa.reports.serializers import ReportCreateInput

NOTE_MAX = 2000


class IntakeInput(ReportCreateInput):
    """The resident's form, plus how the report came in and the caller's contact data."""

    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.PHONE)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)


class VersionedInput(serializers.Serializer):  # type: ignore[type-arg]
    """``version``: the case's version the client saw (optional; If-Match says it too)."""

    version = serializers.IntegerField(required=False, min_value=1)


class TransitionInput(VersionedInput):
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    public_note = TextField(max_length=NOTE_MAX, required=False, default="", allow_blank=True)
    internal_note = TextField(max_length=NOTE_MAX, required=False, default="", allow_blank=True)


class UnitCodeField(serializers.CharField):
    """A unit's code → the active Unit; an unknown code is named in the error."""

    def to_internal_value(self, data: Any) -> Unit:  # type: ignore[override]
        code = super().to_internal_value(data)
        unit = Unit.objects.filter(code=code[:40], active=True).first()
        if unit is None:
            raise serializers.ValidationError(_("Unknown unit “%(code)s”.") % {"code": code})
        return unit


class RerouteInput(VersionedInput):
    unit = UnitCodeField()
    reason = TextField(max_length=NOTE_MAX)


class DuplicateInput(VersionedInput):
    of = serializers.CharField(max_length=32)
    public_note = TextField(max_length=NOTE_MAX, required=False, default="", allow_blank=True)


class UnduplicateInput(VersionedInput):
    internal_note = TextField(max_length=NOTE_MAX, required=False, default="", allow_blank=True)


class ReviewInput(VersionedInput):
    """A report held for review: ``release`` it (a new report from now on) or ``reject`` it."""

    decision = serializers.ChoiceField(choices=["release", "reject"])
    internal_note = TextField(max_length=NOTE_MAX, required=False, default="", allow_blank=True)


class NoteInput(VersionedInput):
    public_note = TextField(max_length=NOTE_MAX, required=False, default="", allow_blank=True)
    internal_note = TextField(max_length=NOTE_MAX, required=False, default="", allow_blank=True)
