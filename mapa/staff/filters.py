"""The dispatcher's filters: the public ones plus area, channel, dates, overdue and text.

They combine (AND). An unknown unit, category, district, channel or status,
a malformed date, or a drawn polygon that is not a valid GeoJSON Polygon or
MultiPolygon in WGS84 with at most ``MAX_POLYGON_VERTICES`` vertices, is a
400 naming the parameter. The polygon is matched by PostGIS with
``ST_Intersects`` on the reports' GiST index.
"""

from __future__ import annotations

import json
from typing import Any

import django_filters
from django import forms
from django.contrib.gis.forms import GeometryField
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Polygon
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework_gis.filters import GeometryFilter

from mapa.catalogue.models import Category, Unit
from mapa.core.geo import WGS84
from mapa.districts.models import District
from mapa.reports.filters import CodeListField, CodesFilter, MomentFilter, ReportFilter
from mapa.reports.models import OPEN_STATUSES, Channel, Report

MAX_POLYGON_VERTICES = 500
SEARCH_MAX_LENGTH = 100


class DrawnAreaField(GeometryField):
    """A GeoJSON Polygon or MultiPolygon drawn on the map: WGS84, valid, not too detailed."""

    def to_python(self, value: Any) -> GEOSGeometry | None:
        if value in self.empty_values:
            return None
        try:
            data = json.loads(value)
        except ValueError:
            raise forms.ValidationError(_("Must be a GeoJSON Polygon or MultiPolygon.")) from None
        if not isinstance(data, dict) or data.get("type") not in ("Polygon", "MultiPolygon"):
            raise forms.ValidationError(_("Must be a GeoJSON Polygon or MultiPolygon."))
        if "crs" in data:
            raise forms.ValidationError(_("Coordinates must be WGS84 longitude and latitude."))
        try:
            area = GEOSGeometry(json.dumps(data), srid=WGS84)
        except (GEOSException, GDALException, ValueError, TypeError):
            # GDAL parses the GeoJSON: empty, missing or non-numeric coordinates fail there.
            raise forms.ValidationError(_("These coordinates do not make a polygon.")) from None
        if not isinstance(area, Polygon | MultiPolygon) or area.empty:
            raise forms.ValidationError(_("These coordinates do not make a polygon."))
        if area.num_coords > MAX_POLYGON_VERTICES:
            raise forms.ValidationError(
                _("The area has %(count)d points; draw it with at most %(limit)d.")
                % {"count": area.num_coords, "limit": MAX_POLYGON_VERTICES}
            )
        minx, miny, maxx, maxy = area.extent
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise forms.ValidationError(_("Coordinates must be WGS84 longitude and latitude."))
        if not area.valid:
            raise forms.ValidationError(
                _("The area crosses itself (%(reason)s); draw it again.")
                % {"reason": area.valid_reason}
            )
        return area


class DrawnAreaFilter(GeometryFilter):
    field_class = DrawnAreaField

    def filter(self, qs: QuerySet[Report], value: GEOSGeometry | None) -> QuerySet[Report]:
        return qs.filter(location__intersects=value) if value else qs


class StaffFilterForm(forms.Form):
    """Unknown units, categories and districts are named, not silently matched to nothing."""

    CHECKED: tuple[tuple[str, type[Model], str], ...] = (
        ("unit", Unit, "code"),
        ("category", Category, "code"),
        ("district", District, "slug"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, model, key in self.CHECKED:
            wanted = data.get(name) or []
            known = set(
                model._default_manager.filter(**{f"{key}__in": wanted}).values_list(key, flat=True)
            )
            unknown = [code for code in wanted if code not in known]
            if unknown:
                self.add_error(name, _("Unknown: %(codes)s.") % {"codes": ", ".join(unknown)})
        return data


class ChannelListField(CodeListField):
    def clean(self, value: str | None) -> list[str]:
        channels = super().clean(value)
        unknown = [c for c in channels if c not in Channel.values]
        if unknown:
            raise forms.ValidationError(
                _("Unknown channel %(channel)s; use %(choices)s.")
                % {"channel": ", ".join(unknown), "choices": ", ".join(Channel.values)}
            )
        return channels


class ChannelFilter(CodesFilter):
    field_class = ChannelListField


class OverdueField(forms.NullBooleanField):
    """``true``/``false`` (or ``1``/``0``); anything else is a 400, not a filter ignored."""

    widget = forms.TextInput  # NullBooleanSelect would read an unknown value as "no filter"

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]  # as Django's
        result = super().to_python(value)
        if result is None and value not in self.empty_values:
            raise forms.ValidationError(_("Must be a valid boolean."))
        return result


class OverdueFilter(django_filters.BooleanFilter):
    """``overdue=true``: open cases past their due date; ``false``: all others."""

    field_class = OverdueField

    def filter(self, qs: QuerySet[Report], value: bool | None) -> QuerySet[Report]:
        if value is None:
            return qs
        late = Q(due_at__lt=timezone.now(), status__in=OPEN_STATUSES)
        return qs.filter(late) if value else qs.exclude(late)


class SearchFilter(django_filters.CharFilter):
    """``q``: words found in the reference, the description or the address (any case)."""

    def filter(self, qs: QuerySet[Report], value: str) -> QuerySet[Report]:
        for word in value.split()[:10]:
            qs = qs.filter(
                Q(reference__icontains=word)
                | Q(description__icontains=word)
                | Q(address__icontains=word)
            )
        return qs


class HeldFilter(django_filters.BooleanFilter):
    """``held=true``: reports held for review (from a banned contact); ``false``: the others."""

    field_class = OverdueField

    def filter(self, qs: QuerySet[Report], value: bool | None) -> QuerySet[Report]:
        return qs if value is None else qs.filter(held=value)


class StaffReportFilter(ReportFilter):
    polygon = DrawnAreaFilter()
    channel = ChannelFilter(field_name="channel")
    updated_after = MomentFilter(field_name="updated_at", lookup_expr="gte")
    overdue = OverdueFilter()
    held = HeldFilter()
    q = SearchFilter(max_length=SEARCH_MAX_LENGTH)

    class Meta(ReportFilter.Meta):
        form = StaffFilterForm
