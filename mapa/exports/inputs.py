"""What an export request asks for: filters, sync position, page size, CSV options.

The API and ``manage.py export_reports`` both read the request through
``export_query``, so both refuse the same mistakes with the same messages: a
400 (``ValidationError``) naming each wrong parameter. Unknown parameters are
refused too: a misspelt filter would otherwise export every case.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from mapa.exports.selectors import CSV, GEOJSON, ExportQuery
from mapa.exports.sync import BEGINNING, CursorError, position_from_cursor, position_since
from mapa.reports.models import PUBLIC_REPORTS, Report
from mapa.staff.access import visible_reports
from mapa.staff.filters import StaffReportFilter
from mapa.staff.models import Role
from mapa.staff.roles import AnyUser, role_of, units_of

MAX_LIMIT = 100_000


class ExportInput(serializers.Serializer):  # type: ignore[type-arg]
    updated_since = serializers.DateTimeField(
        required=False,
        help_text=(
            "Only cases changed at or after this time (ISO 8601; with an offset or `Z`, "
            "else Warsaw time). Status changes, re-routings and notes all count."
        ),
    )
    cursor = serializers.CharField(
        required=False,
        max_length=80,
        help_text=(
            "Resume after the last case of an earlier answer: its `cursor` (GeoJSON body, "
            "or the `Mapa-Cursor` header). Opaque; a damaged one is a 400."
        ),
    )
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_LIMIT,
        help_text=(
            f"At most this many cases (1 to {MAX_LIMIT}), then a `next` link. "
            "Without it, every case is streamed at once."
        ),
    )

    def validate_cursor(self, value: str) -> str:
        try:
            position_from_cursor(value)
        except CursorError as exc:
            raise serializers.ValidationError(str(exc)) from None
        return value


class CsvExportInput(ExportInput):
    wkt = serializers.BooleanField(
        required=False, default=False, help_text="Add a `wkt` column: `POINT(lon lat)`."
    )


INPUTS: dict[str, type[ExportInput]] = {GEOJSON: ExportInput, CSV: CsvExportInput}


def allowed_parameters(fmt: str) -> set[str]:
    return set(StaffReportFilter.base_filters) | set(INPUTS[fmt]().fields)


def reach_of(user: AnyUser | None) -> tuple[QuerySet[Report], tuple[int, ...]]:
    """The cases ``user`` may export, and, for unit staff, their units; None: every case."""
    # Reports held for review are not cases yet: no export hands them on.
    if user is None:  # a command run on the server
        return Report.objects.filter(PUBLIC_REPORTS), ()
    units = tuple(units_of(user)) if role_of(user) == Role.UNIT_STAFF else ()
    return visible_reports(user).filter(PUBLIC_REPORTS), units


def export_query(
    params: QueryDict, user: AnyUser | None, *, fmt: str, english: bool
) -> ExportQuery:
    """The export ``params`` ask of ``user``'s cases; a ValidationError names each mistake."""
    unknown = sorted(set(params) - allowed_parameters(fmt))
    if unknown:
        raise ValidationError({name: [_("Unknown parameter for this export.")] for name in unknown})
    serializer = INPUTS[fmt](data=params)
    reach, units = reach_of(user)
    filters = StaffReportFilter(params, queryset=reach)
    inputs_valid, filters_valid = serializer.is_valid(), filters.is_valid()
    if not (inputs_valid and filters_valid):
        raise ValidationError({**filters.errors, **serializer.errors})
    data: Mapping[str, Any] = serializer.validated_data
    start = BEGINNING
    if "updated_since" in data:
        start = max(start, position_since(data["updated_since"]))
    if data.get("cursor"):
        start = max(start, position_from_cursor(data["cursor"]))
    return ExportQuery(
        reports=filters.qs,
        reach=reach,
        reach_units=units,
        format=fmt,
        wkt=bool(data.get("wkt", False)),
        start=start,
        limit=data.get("limit"),
        english=english,
    )
