"""Parsing coordinates from clients, strictly, with errors that say what is wrong.

GeoJSON (RFC 7946) positions are [longitude, latitude] in WGS84 (EPSG:4326),
and each member of a position is a JSON *number*: a string such as "18.6" or a
third member "zzz" is refused, as is any ``crs`` other than WGS84's own names.
Query parameters are text, so there a plain decimal number is accepted
("18.6466", "-1.5e-3"), but nothing else Python's ``float()`` would take
("1_8.6", "nan", "0x12", " inf "): see ``mapa.core.numbers``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _

from mapa.core.numbers import NotANumber, finite_number

WGS84 = 4326

# The names a GeoJSON ``crs`` member may give for WGS84 longitude/latitude.
WGS84_CRS_NAMES = frozenset(
    {
        "urn:ogc:def:crs:OGC:1.3:CRS84",
        "urn:ogc:def:crs:OGC::CRS84",
        "urn:ogc:def:crs:EPSG::4326",
        "EPSG:4326",
        "CRS84",
    }
)


class CoordinateError(ValueError):
    pass


def point_from_lon_lat(lon: Any, lat: Any) -> Point:
    """A WGS84 Point from two client values, refusing non-numbers, NaN, ∞ and out-of-range."""
    lon_f = _number(lon, _("longitude"))
    lat_f = _number(lat, _("latitude"))
    if not -180 <= lon_f <= 180:
        raise CoordinateError(
            _("Longitude %(value)s is out of range: it must be between -180 and 180.")
            % {"value": _shown(lon)}
        )
    if not -90 <= lat_f <= 90:
        raise CoordinateError(
            _(
                "Latitude %(value)s is out of range: it must be between -90 and 90. "
                "Coordinates go in the order [longitude, latitude]."
            )
            % {"value": _shown(lat)}
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
            _("Must be a GeoJSON Point, not %(kind)s.")
            % {
                "kind": _shown(kind, quote=False)
                if isinstance(kind, str) and kind
                else _("an untyped object")
            }
        )
    if "crs" in value and not _is_wgs84_crs(value["crs"]):
        raise CoordinateError(_("Coordinates must be WGS84 longitude and latitude (EPSG:4326)."))
    coordinates = value.get("coordinates")
    if not isinstance(coordinates, list) or len(coordinates) not in (2, 3):
        raise CoordinateError(_("coordinates must be a list: [longitude, latitude]."))
    for value, name in ((coordinates[0], _("longitude")), (coordinates[1], _("latitude"))):
        if isinstance(value, str):  # RFC 7946: a position's members are numbers
            raise CoordinateError(
                _("The %(name)s must be a number, got %(value)s.")
                % {"name": name, "value": _shown(value)}
            )
    if len(coordinates) == 3 and not _is_finite_json_number(coordinates[2]):
        raise CoordinateError(_("The altitude, the optional third coordinate, must be a number."))
    return point_from_lon_lat(coordinates[0], coordinates[1])


def _is_wgs84_crs(crs: Any) -> bool:
    """``{"type": "name", "properties": {"name": "EPSG:4326"}}`` (or a CRS84 URN) only."""
    if not isinstance(crs, dict) or crs.get("type") != "name":
        return False
    properties = crs.get("properties")
    return isinstance(properties, dict) and properties.get("name") in WGS84_CRS_NAMES


def _is_finite_json_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        finite_number(value)
    except ValueError:
        return False
    return True


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or value is None:
        raise CoordinateError(_("The %(name)s is missing or not a number.") % {"name": name})
    try:
        return finite_number(value)
    except NotANumber:
        raise CoordinateError(
            _("The %(name)s must be a number, got %(value)s.")
            % {"name": name, "value": _shown(value)}
        ) from None
    except ValueError:
        raise CoordinateError(_("The %(name)s must be a finite number.") % {"name": name}) from None


def _shown(value: Any, limit: int = 40, *, quote: bool = True) -> str:
    """A client's value quoted in a message: shortened, and safe for any text encoding."""
    try:
        text = repr(value) if quote and not isinstance(value, int | float) else str(value)
    except ValueError:  # an int too long to print
        text = "…"
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
