"""Which district covers a point, and where a point is when no district does.

**The border rule**, written once here and used by every caller (routing,
the place importer, place edits): a point is covered by every district of a
served city whose polygon *covers* it (``ST_Covers``, GiST-indexed, boundary
included), so a point exactly on a shared border or on a vertex where three
districts meet is covered by all of them. The district whose slug sorts first
in byte order (``COLLATE "C"``) takes it; the others are named as
``border_with``. Slugs are stable across installs, unlike row ids, so the
choice is reproducible everywhere.

All points are EPSG:4326 (WGS84 longitude, latitude).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _

from mapa.core.geo import WGS84
from mapa.core.sql import fetch_one

# The order that decides between districts covering one point.
BORDER_RULE_ORDER = 'd.slug COLLATE "C"'


def covering_districts_sql(point: str) -> str:
    """SELECT every served district covering the SQL expression ``point``.

    Columns: ``id``, ``slug``, ``name``, ``city_id``, ``reference_prefix`` and
    ``border_rank``: 1 for the district that takes the point, then 2, 3… for
    the others it lies on the border of.
    """
    return f"""
    SELECT d.id, d.slug, d.name, d.city_id, c.reference_prefix,
           row_number() OVER (ORDER BY {BORDER_RULE_ORDER}) AS border_rank
    FROM districts_district d
    JOIN districts_city c ON c.id = d.city_id AND c.served
    WHERE ST_Covers(d.geometry, {point})"""


def district_at_sql(point: str) -> str:
    """A scalar subquery: the id of the district that takes ``point`` (NULL outside)."""
    return (
        f"(SELECT covering.id FROM ({covering_districts_sql(point)}) covering"
        " WHERE covering.border_rank = 1)"
    )


# The point, every served district covering it, and the one the border rule picks.
POINT_CTES = f"""
WITH point AS (
    SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS geom
),
covering AS ({covering_districts_sql("(SELECT geom FROM point)")}
),
chosen AS (
    SELECT * FROM covering WHERE border_rank = 1
)"""

# The districts a point also touches, in border-rule order (after ``POINT_CTES``).
BORDER_WITH = (
    "ARRAY(SELECT name FROM covering WHERE border_rank > 1 ORDER BY border_rank) AS border_with"
)

LOCATE_SQL = f"""{POINT_CTES}
SELECT chosen.id AS district_id, chosen.slug AS district_slug, chosen.name AS district_name,
       {BORDER_WITH}
FROM chosen
"""

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


def point_params(point: Point) -> dict[str, Any]:
    """The ``%(lon)s``/``%(lat)s`` parameters of ``POINT_CTES`` for an EPSG:4326 point."""
    if point.srid != WGS84:
        raise ValueError(f"locating needs an EPSG:4326 point, got SRID {point.srid}")
    return {"lon": point.x, "lat": point.y}


def locate(point: Point) -> DistrictLocation:
    """The served district at ``point`` (EPSG:4326), or ``OutsideServiceArea``."""
    params = point_params(point)
    row = fetch_one(LOCATE_SQL, params)
    if row is None:
        raise outside_service_area(params)
    return DistrictLocation(
        district_id=row["district_id"],
        district_slug=row["district_slug"],
        district_name=row["district_name"],
        border_with=tuple(row["border_with"]),
    )


def outside_service_area(params: dict[str, Any]) -> OutsideServiceArea:
    """Explain a point no served district covers: a neighbour, swapped axes, or how far."""
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
