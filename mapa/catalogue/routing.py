"""Routing: which unit receives a report of category C at point P, and why.

The whole decision is one SQL statement run by PostGIS, inside the caller's
transaction, so that a report and its routing are consistent:

1. **District.** The served district covering the point, by the border rule
   of ``mapa.districts.locating`` (``ST_Covers`` on the GiST index; on a
   shared border the first slug in byte order wins, the others are recorded as
   ``border_with`` and named in the explanation).
2. **Rule.** Among the category's active rules whose districts include that
   district, or that name no district (city-wide), the most specific wins:
   district rules before city-wide ones, fewer districts before more, then the
   oldest rule.
3. **Fallbacks.** No rule: the category's default unit. No default: the triage
   unit (GCK, ``Unit.is_triage``).
4. **Offices.** If the chosen unit has active district offices, the office
   covering the district takes the report (e.g. a Straż Miejska district office).

A point in no served city raises ``OutsideServiceArea`` (from
``mapa.districts.locating``), whose message says where the point is when Mapa
knows it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any

from django.contrib.gis.geos import Point
from django.db import DEFAULT_DB_ALIAS
from django.utils import translation
from django.utils.translation import gettext as _

from mapa.catalogue.models import RoutingReason, Unit
from mapa.core.i18n import is_english
from mapa.core.sql import fetch_one
from mapa.districts.locating import (
    BORDER_WITH,
    POINT_CTES,
    outside_service_area,
    point_params,
)


def decision_joins(*, district_id: str) -> str:
    """Joins that decide the unit for ``category`` in the district ``district_id``.

    ``district_id`` is an SQL expression naming a district id in the enclosing
    query, which must also have a ``category`` row (``id``, ``default_unit_id``).
    Each is evaluated per row (LATERAL), so one statement can decide one point's
    district (``ROUTE_SQL``) or every district at once (``mapa.catalogue.coverage``).
    Adds ``rule``, ``target``, ``office``, ``unit`` and ``parent``; select
    ``DECISION_COLUMNS`` from them.
    """
    return f"""
LEFT JOIN LATERAL (
    SELECT r.id, r.unit_id, r.note, count(rd.district_id) AS n_districts
    FROM catalogue_routingrule r
    JOIN catalogue_unit u ON u.id = r.unit_id AND u.active
    LEFT JOIN catalogue_routingrule_districts rd ON rd.routingrule_id = r.id
    WHERE r.category_id = category.id AND r.active
    GROUP BY r.id
    HAVING count(rd.district_id) = 0
        OR bool_or(rd.district_id = {district_id})
    ORDER BY count(rd.district_id) = 0, count(rd.district_id), r.id
    LIMIT 1
) rule ON TRUE
CROSS JOIN LATERAL (
    SELECT COALESCE(
        rule.unit_id,
        (SELECT u.id FROM catalogue_unit u
          WHERE u.id = category.default_unit_id AND u.active),
        (SELECT id FROM catalogue_unit WHERE is_triage)
    ) AS unit_id
) target
LEFT JOIN LATERAL (
    SELECT u.id
    FROM catalogue_unit u
    JOIN catalogue_unit_districts ud ON ud.unit_id = u.id
    WHERE u.parent_id = target.unit_id
      AND u.active
      AND ud.district_id = {district_id}
    ORDER BY u.code COLLATE "C"
    LIMIT 1
) office ON TRUE
JOIN catalogue_unit unit ON unit.id = COALESCE(office.id, target.unit_id)
LEFT JOIN catalogue_unit parent ON parent.id = unit.parent_id AND office.id IS NOT NULL
"""


# Why the unit was chosen (``RoutingReason``), decided once, here.
DECISION_COLUMNS = f"""
    rule.id AS rule_id,
    rule.note AS rule_note,
    rule.n_districts AS rule_districts,
    CASE
        WHEN rule.id IS NOT NULL AND rule.n_districts > 0 THEN '{RoutingReason.DISTRICT_RULE.value}'
        WHEN rule.id IS NOT NULL THEN '{RoutingReason.CITY_RULE.value}'
        WHEN category.default_unit_id = target.unit_id THEN '{RoutingReason.CATEGORY_DEFAULT.value}'
        ELSE '{RoutingReason.TRIAGE.value}'
    END AS reason,
    unit.id AS unit_id,
    unit.code AS unit_code,
    unit.name AS unit_name,
    parent.name AS parent_unit_name"""

ROUTE_SQL = (
    POINT_CTES
    + """,
category AS (
    SELECT c.id, c.code, c.name_pl, c.name_en, c.default_unit_id
    FROM catalogue_category c WHERE c.id = %(category_id)s
)
SELECT
    chosen.id AS district_id,
    chosen.slug AS district_slug,
    chosen.name AS district_name,
    chosen.reference_prefix,
    """
    + BORDER_WITH
    + """,
    category.code AS category_code,
    category.name_pl AS category_name_pl,
    category.name_en AS category_name_en,
    to_jsonb(unit) - 'id' AS unit_row,"""
    + DECISION_COLUMNS
    + """
FROM chosen
CROSS JOIN category"""
    + decision_joins(district_id="chosen.id")
)


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
    reason: RoutingReason
    rule_id: int | None = None
    rule_note: str = ""
    parent_unit_name: str | None = None
    border_with: tuple[str, ...] = field(default_factory=tuple)
    # The chosen unit itself, read by the same statement, for whoever tells it of the
    # report (its e-mail, its webhook): not part of the stored decision.
    unit: Unit | None = field(default=None, compare=False, repr=False)

    def as_data(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "unit"}
        data["reason"] = self.reason.value
        data["border_with"] = list(self.border_with)
        return data

    def explanation(self, language: str | None = None) -> str:
        return explain(self.as_data(), language)


def route(*, category_id: int, point: Point) -> RoutingDecision:
    """Decide the district and unit for a report of ``category_id`` at ``point``.

    ``point`` must be in EPSG:4326. Raises ``OutsideServiceArea`` when no served
    district covers it.
    """
    params = {**point_params(point), "category_id": category_id}
    row = fetch_one(ROUTE_SQL, params)
    if row is None:
        raise outside_service_area(params)
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
        reason=RoutingReason(row["reason"]),
        rule_id=row["rule_id"],
        rule_note=row["rule_note"] or "",
        parent_unit_name=row["parent_unit_name"],
        border_with=tuple(row["border_with"]),
        unit=_unit(row["unit_id"], row["unit_row"]),
    )


def _unit(unit_id: int, columns: str) -> Unit:
    """The unit as its row stands (``to_jsonb``, which Django's cursor leaves as text:
    its columns are text, numbers, booleans and null only, which JSON keeps as they are)."""
    row = {**json.loads(columns), "id": unit_id}
    names = [f.attname for f in Unit._meta.concrete_fields]  # from_db's order
    return Unit.from_db(DEFAULT_DB_ALIAS, names, [row[name] for name in names])


def explain(data: dict[str, Any], language: str | None = None) -> str:
    """Say in words why a report went where it went, from stored routing data."""
    with translation.override(language or translation.get_language()):
        category = data["category_name_en"] if is_english() else data["category_name_pl"]
        values = {
            "unit": data["unit_name"],
            "category": category,
            "district": data["district_name"],
            "parent": data.get("parent_unit_name") or "",
            "note": data.get("rule_note") or "",
            "by": data.get("rerouted_by") or "",
            "from_unit": data.get("rerouted_from") or "",
        }
        reason = data["reason"]
        if reason == RoutingReason.DISTRICT_RULE:
            text = _("Sent to %(unit)s: the rule for “%(category)s” in %(district)s.")
        elif reason == RoutingReason.CITY_RULE:
            text = _("Sent to %(unit)s: the city-wide rule for “%(category)s”.")
        elif reason == RoutingReason.REROUTED:
            text = _("Re-routed by %(by)s from %(from_unit)s to %(unit)s: %(note)s.")
        elif reason == RoutingReason.CATEGORY_DEFAULT:
            text = _("Sent to %(unit)s: it handles “%(category)s” in %(district)s.")
        else:
            text = _(
                "Sent to %(unit)s for triage: no unit is assigned to “%(category)s” "
                "in %(district)s, so the Contact Centre will pass it on."
            )
        parts = [text % values]
        if data.get("parent_unit_name"):
            parts.append(_("It is the office of %(parent)s that covers %(district)s.") % values)
        if values["note"] and reason != RoutingReason.REROUTED:
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
