"""Filters for the public report list: area, status, category, district, unit, date."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import django_filters
from django import forms
from django.contrib.gis.geos import Polygon
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from mapa.core.geo import WGS84
from mapa.reports.models import OPEN_STATUSES, Report, ReportStatus


def parse_bbox(raw: str) -> Polygon:
    """``minlon,minlat,maxlon,maxlat`` (EPSG:4326) → a Polygon, or a ValidationError."""
    parts = raw.split(",")
    if len(parts) != 4:
        raise forms.ValidationError(_("Give four numbers: minlon,minlat,maxlon,maxlat."))
    try:
        minlon, minlat, maxlon, maxlat = (float(p) for p in parts)
    except ValueError:
        raise forms.ValidationError(_("Each of the four values must be a number.")) from None
    if not all(math.isfinite(v) for v in (minlon, minlat, maxlon, maxlat)):
        raise forms.ValidationError(_("The values must be finite numbers."))
    if not (-180 <= minlon < maxlon <= 180 and -90 <= minlat < maxlat <= 90):
        raise forms.ValidationError(
            _("Expected minlon < maxlon within -180..180 and minlat < maxlat within -90..90.")
        )
    polygon = Polygon.from_bbox((minlon, minlat, maxlon, maxlat))
    polygon.srid = WGS84
    return polygon


class BboxField(forms.CharField):
    def clean(self, value: str | None) -> Polygon | None:
        value = super().clean(value)
        return parse_bbox(value) if value else None


class BboxFilter(django_filters.Filter):
    field_class = BboxField

    def filter(self, qs: QuerySet[Report], value: Polygon | None) -> QuerySet[Report]:
        # && against the GiST index; for points the bounding box test is exact.
        return qs.filter(location__bboverlaps=value) if value else qs


class CodeListField(forms.CharField):
    def clean(self, value: str | None) -> list[str]:
        value = super().clean(value)
        return [v.strip() for v in value.split(",") if v.strip()] if value else []


class StatusListField(CodeListField):
    """``new,accepted``; ``open`` stands for new, accepted and in progress."""

    def clean(self, value: str | None) -> list[str]:
        wanted: list[str] = []
        for item in super().clean(value):
            if item == "open":
                wanted.extend(OPEN_STATUSES)
            elif item in ReportStatus.values:
                wanted.append(item)
            else:
                raise forms.ValidationError(
                    _("Unknown status %(status)s; use %(choices)s or open.")
                    % {"status": item, "choices": ", ".join(ReportStatus.values)}
                )
        return wanted


class StatusFilter(django_filters.Filter):
    field_class = StatusListField

    def filter(self, qs: QuerySet[Report], value: list[str]) -> QuerySet[Report]:
        return qs.filter(status__in=value) if value else qs


class CodesFilter(django_filters.Filter):
    """A comma-separated list of codes or slugs of a related model."""

    field_class = CodeListField

    def filter(self, qs: QuerySet[Report], value: list[str]) -> QuerySet[Report]:
        return qs.filter(**{f"{self.field_name}__in": value}) if value else qs


class UnitFilter(CodesFilter):
    """A unit's code also selects the reports of its district offices."""

    def filter(self, qs: QuerySet[Report], value: list[str]) -> QuerySet[Report]:
        if not value:
            return qs
        return qs.filter(Q(unit__code__in=value) | Q(unit__parent__code__in=value))


# PostgreSQL takes UTC offsets up to ±15:59; Python's go to ±23:59. A bigger one would
# reach the database and fail there (a 500), so it is a 400 naming the parameter.
MAX_UTC_OFFSET = timedelta(hours=15, minutes=59)


class MomentField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 date and time whose offset PostgreSQL can store."""

    def to_python(self, value: Any) -> datetime | None:
        moment: datetime | None = super().to_python(value)
        offset = moment.utcoffset() if moment is not None else None
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise forms.ValidationError(
                _("The time zone offset must be between -15:59 and +15:59.")
            )
        return moment


class MomentFilter(django_filters.IsoDateTimeFilter):
    field_class = MomentField


class ReportFilter(django_filters.FilterSet):
    bbox = BboxFilter()
    status = StatusFilter()
    category = CodesFilter(field_name="category__code")
    district = CodesFilter(field_name="district__slug")
    unit = UnitFilter()
    created_after = MomentFilter(field_name="created_at", lookup_expr="gte")
    created_before = MomentFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Report
        fields: list[str] = []
