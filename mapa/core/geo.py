"""Parsing coordinates from clients, with errors that say what is wrong.

GeoJSON (RFC 7946) positions are [longitude, latitude] in WGS84 (EPSG:4326).
"""

from __future__ import annotations

import math
from typing import Any

from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _

WGS84 = 4326


class CoordinateError(ValueError):
    pass


def point_from_lon_lat(lon: Any, lat: Any) -> Point:
    """A WGS84 Point from two client values, refusing non-numbers, NaN, ∞ and out-of-range."""
    lon_f = _number(lon, _("longitude"))
    lat_f = _number(lat, _("latitude"))
    if not -180 <= lon_f <= 180:
        raise CoordinateError(
            _("Longitude %(value)s is out of range: it must be between -180 and 180.")
            % {"value": lon}
        )
    if not -90 <= lat_f <= 90:
        raise CoordinateError(
            _(
                "Latitude %(value)s is out of range: it must be between -90 and 90. "
                "Coordinates go in the order [longitude, latitude]."
            )
            % {"value": lat}
        )
    return Point(lon_f, lat_f, srid=WGS84)


def point_from_geojson(value: Any) -> Point:
    """A WGS84 Point from a GeoJSON Point: ``{"type": "Point", "coordinates": [lon, lat]}``."""
    if not isinstance(value, dict):
        raise CoordinateError(
            _('Must be a GeoJSON Point: {"type": "Point", "coordinates": [longitude, latitude]}.')
        )
    kind = value.get("type")
    if kind != "Point":
        raise CoordinateError(
            _("Must be a GeoJSON Point, not %(kind)s.") % {"kind": kind or _("an untyped object")}
        )
    crs = value.get("crs")
    if crs is not None and "4326" not in str(crs) and "CRS84" not in str(crs):
        raise CoordinateError(_("Coordinates must be WGS84 longitude and latitude (EPSG:4326)."))
    coordinates = value.get("coordinates")
    if not isinstance(coordinates, list) or len(coordinates) not in (2, 3):
        raise CoordinateError(_("coordinates must be a list: [longitude, latitude]."))
    return point_from_lon_lat(coordinates[0], coordinates[1])


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or value is None:
        raise CoordinateError(_("The %(name)s is missing or not a number.") % {"name": name})
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CoordinateError(
            _("The %(name)s must be a number, got %(value)r.") % {"name": name, "value": value}
        ) from None
    if not math.isfinite(number):
        raise CoordinateError(_("The %(name)s must be a finite number.") % {"name": name})
    return number
