"""Routing: which unit receives a report of category C at point P, and why.

The whole decision is one SQL statement run by PostGIS, inside the caller's
transaction, so that a report and its routing are consistent:

1. **District.** Every district of a served city whose polygon *covers* the
   point (``ST_Covers``, GiST-indexed). Covering includes the boundary, so a
   point exactly on a shared border or on a shared vertex is covered by two or
   more districts. **Border rule:** the district whose slug sorts first
   (byte order, ``COLLATE "C"``) takes the report; the others are recorded as
   ``border_with`` and named in the explanation. Slugs are stable across
   installs, unlike row ids, so the choice is reproducible everywhere.
2. **Rule.** Among the category's active rules whose districts include that
   district, or that name no district (city-wide), the most specific wins:
   district rules before city-wide ones, fewer districts before more, then the
   oldest rule.
3. **Fallbacks.** No rule: the category's default unit. No default: the triage
   unit (GCK, ``Unit.is_triage``).
4. **Offices.** If the chosen unit has active district offices, the office
   covering the district takes the report (e.g. a Straż Miejska district office).

A point in no served city raises ``OutsideServiceArea`` with a message that
says where the point is when Mapa knows (a neighbouring city; swapped
coordinates; the distance to the city boundary, measured on the spheroid).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.gis.geos import Point
from django.utils import translation
from django.utils.translation import gettext as _

from mapa.core.sql import fetch_one
from mapa.districts.models import WGS84

# The point, every served district covering it, and the one the border rule picks.
DISTRICT_CTES = """
WITH point AS (
    SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS geom
),
covering AS (
    SELECT d.id, d.slug, d.name, c.reference_prefix
    FROM districts_district d
    JOIN districts_city c ON c.id = d.city_id AND c.served
    CROSS JOIN point
    WHERE ST_Covers(d.geometry, point.geom)
),
chosen AS (
    SELECT * FROM covering ORDER BY slug COLLATE "C" LIMIT 1
)"""

LOCATE_SQL = (
    DISTRICT_CTES
    + """
SELECT chosen.id AS district_id, chosen.slug AS district_slug, chosen.name AS district_name,
       ARRAY(SELECT name FROM covering WHERE id <> chosen.id ORDER BY slug COLLATE "C")
           AS border_with
FROM chosen
"""
)

ROUTE_SQL = (
    DISTRICT_CTES
    + """,
category AS (
    SELECT c.id, c.code, c.name_pl, c.name_en, c.default_unit_id
    FROM reports_category c WHERE c.id = %(category_id)s
),
rule AS (
    SELECT r.id, r.unit_id, r.note, count(rd.district_id) AS n_districts
    FROM districts_routingrule r
    JOIN districts_unit u ON u.id = r.unit_id AND u.active
    LEFT JOIN districts_routingrule_districts rd ON rd.routingrule_id = r.id
    WHERE r.category_id = %(category_id)s AND r.active
    GROUP BY r.id
    HAVING count(rd.district_id) = 0
        OR bool_or(rd.district_id = (SELECT id FROM chosen))
    ORDER BY count(rd.district_id) = 0, count(rd.district_id), r.id
    LIMIT 1
),
target AS (
    SELECT COALESCE(
        (SELECT unit_id FROM rule),
        (SELECT u.id FROM category JOIN districts_unit u
            ON u.id = category.default_unit_id AND u.active),
        (SELECT id FROM districts_unit WHERE is_triage)
    ) AS unit_id
),
office AS (
    SELECT u.id
    FROM districts_unit u
    JOIN districts_unit_districts ud ON ud.unit_id = u.id
    WHERE u.parent_id = (SELECT unit_id FROM target)
      AND u.active
      AND ud.district_id = (SELECT id FROM chosen)
    ORDER BY u.code COLLATE "C"
    LIMIT 1
)
SELECT
    chosen.id AS district_id,
    chosen.slug AS district_slug,
    chosen.name AS district_name,
    chosen.reference_prefix,
    ARRAY(SELECT name FROM covering WHERE id <> chosen.id ORDER BY slug COLLATE "C")
        AS border_with,
    category.code AS category_code,
    category.name_pl AS category_name_pl,
    category.name_en AS category_name_en,
    rule.id AS rule_id,
    rule.note AS rule_note,
    rule.n_districts AS rule_districts,
    (category.default_unit_id IS NOT NULL
        AND category.default_unit_id = (SELECT unit_id FROM target)) AS is_default,
    unit.id AS unit_id,
    unit.code AS unit_code,
    unit.name AS unit_name,
    parent.name AS parent_unit_name
FROM chosen
CROSS JOIN category
LEFT JOIN rule ON TRUE
JOIN districts_unit unit ON unit.id = COALESCE((SELECT id FROM office),
                                               (SELECT unit_id FROM target))
LEFT JOIN districts_unit parent ON parent.id = unit.parent_id
    AND unit.id = (SELECT id FROM office)
"""
)

# Where is a point that no served district covers? Swapped coordinates are
# tested only when the swap is itself a valid longitude/latitude.
WHERE_IS_SQL = """
WITH point AS (
    SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS geom
),
nearest AS (
    SELECT c.name,
           ST_Distance(c.boundary::geography, point.geom::geography) AS metres
    FROM districts_city c, point
    WHERE c.served
    ORDER BY c.boundary <-> point.geom
    LIMIT 1
)
SELECT
    (SELECT c.name FROM districts_city c, point
      WHERE NOT c.served AND ST_Covers(c.boundary, point.geom)
      ORDER BY c.slug LIMIT 1) AS neighbour,
    (SELECT c.name FROM districts_city c
      WHERE c.served AND abs(%(lon)s) <= 90
        AND ST_Covers(c.boundary, ST_SetSRID(ST_MakePoint(%(lat)s, %(lon)s), 4326))
      LIMIT 1) AS swapped_into,
    (SELECT name FROM nearest) AS served_city,
    (SELECT metres FROM nearest) AS metres
"""


class OutsideServiceArea(Exception):
    """The point lies in no served district. ``message`` says where it is, if known."""

    def __init__(
        self,
        message: str,
        *,
        neighbour: str | None = None,
        swapped: bool = False,
        distance_m: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.neighbour = neighbour
        self.swapped = swapped
        self.distance_m = distance_m


@dataclass(frozen=True)
class DistrictLocation:
    """The district that takes reports at a point (after the border rule)."""

    district_id: int
    district_slug: str
    district_name: str
    border_with: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class RoutingDecision:
    """Who handles a report and why. ``as_data()`` is what a report stores."""

    district_id: int
    district_slug: str
    district_name: str
    reference_prefix: str
    category_code: str
    category_name_pl: str
    category_name_en: str
    unit_id: int
    unit_code: str
    unit_name: str
    reason: str
    rule_id: int | None = None
    rule_note: str = ""
    parent_unit_name: str | None = None
    border_with: tuple[str, ...] = field(default_factory=tuple)

    def as_data(self) -> dict[str, Any]:
        data = asdict(self)
        data["border_with"] = list(self.border_with)
        return data

    def explanation(self, language: str | None = None) -> str:
        return explain(self.as_data(), language)


def locate(point: Point) -> DistrictLocation:
    """The served district at ``point`` (EPSG:4326), or ``OutsideServiceArea``."""
    params = _params(point)
    row = fetch_one(LOCATE_SQL, params)
    if row is None:
        raise _outside(params)
    return DistrictLocation(
        district_id=row["district_id"],
        district_slug=row["district_slug"],
        district_name=row["district_name"],
        border_with=tuple(row["border_with"]),
    )


def _params(point: Point) -> dict[str, Any]:
    if point.srid != WGS84:
        raise ValueError(f"routing needs an EPSG:4326 point, got SRID {point.srid}")
    return {"lon": point.x, "lat": point.y}


def route(*, category_id: int, point: Point) -> RoutingDecision:
    """Decide the district and unit for a report of ``category_id`` at ``point``.

    ``point`` must be in EPSG:4326. Raises ``OutsideServiceArea`` when no served
    district covers it.
    """
    params = {**_params(point), "category_id": category_id}
    row = fetch_one(ROUTE_SQL, params)
    if row is None:
        raise _outside(params)
    return RoutingDecision(
        district_id=row["district_id"],
        district_slug=row["district_slug"],
        district_name=row["district_name"],
        reference_prefix=row["reference_prefix"],
        category_code=row["category_code"],
        category_name_pl=row["category_name_pl"],
        category_name_en=row["category_name_en"],
        unit_id=row["unit_id"],
        unit_code=row["unit_code"],
        unit_name=row["unit_name"],
        reason=_reason(row),
        rule_id=row["rule_id"],
        rule_note=row["rule_note"] or "",
        parent_unit_name=row["parent_unit_name"],
        border_with=tuple(row["border_with"]),
    )


def _reason(row: dict[str, Any]) -> str:
    if row["rule_id"] is not None:
        return "district_rule" if row["rule_districts"] else "city_rule"
    if row["is_default"]:
        return "category_default"
    return "triage"


def _outside(params: dict[str, Any]) -> OutsideServiceArea:
    row = fetch_one(WHERE_IS_SQL, params) or {}
    city = row.get("served_city") or _("the city")
    if row.get("neighbour"):
        return OutsideServiceArea(
            _(
                "This location is in %(place)s; %(city)s's services cannot act there. "
                "Please report it to %(place)s."
            )
            % {"place": row["neighbour"], "city": city},
            neighbour=row["neighbour"],
        )
    if row.get("swapped_into"):
        return OutsideServiceArea(
            _(
                "This location is outside %(city)s. Latitude and longitude look swapped: "
                "coordinates go in the order [longitude, latitude], and [%(lat)s, %(lon)s] "
                "would be in %(city)s."
            )
            % {"city": row["swapped_into"], "lat": params["lat"], "lon": params["lon"]},
            swapped=True,
        )
    metres = row.get("metres")
    if metres is None:
        return OutsideServiceArea(_("This location is outside the area Mapa serves."))
    return OutsideServiceArea(
        _(
            "This location is outside %(city)s, %(distance)s km from its boundary "
            "(at sea or in another municipality); %(city)s's services cannot act there."
        )
        % {"city": city, "distance": f"{metres / 1000:.1f}"},
        distance_m=float(metres),
    )


def explain(data: dict[str, Any], language: str | None = None) -> str:
    """Say in words why a report went where it went, from stored routing data."""
    with translation.override(language or translation.get_language()):
        english = (translation.get_language() or "pl").startswith("en")
        category = data["category_name_en"] if english else data["category_name_pl"]
        values = {
            "unit": data["unit_name"],
            "category": category,
            "district": data["district_name"],
            "parent": data.get("parent_unit_name") or "",
            "note": data.get("rule_note") or "",
        }
        reason = data["reason"]
        if reason == "district_rule":
            text = _("Sent to %(unit)s: the rule for “%(category)s” in %(district)s.")
        elif reason == "city_rule":
            text = _("Sent to %(unit)s: the city-wide rule for “%(category)s”.")
        elif reason == "category_default":
            text = _("Sent to %(unit)s: it handles “%(category)s” in %(district)s.")
        else:
            text = _(
                "Sent to %(unit)s for triage: no unit is assigned to “%(category)s” "
                "in %(district)s, so the Contact Centre will pass it on."
            )
        parts = [text % values]
        if data.get("parent_unit_name"):
            parts.append(_("It is the office of %(parent)s that covers %(district)s.") % values)
        if values["note"]:
            parts.append(_("Rule note: %(note)s.") % values)
        if data.get("border_with"):
            parts.append(
                _(
                    "The point lies on the border of %(district)s and %(others)s; "
                    "by Mapa's border rule it belongs to the district first in alphabetical "
                    "order of its identifier, %(district)s."
                )
                % {"district": data["district_name"], "others": ", ".join(data["border_with"])}
            )
        return " ".join(parts)
