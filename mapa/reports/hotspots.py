"""Hotspots: open reports of one category that cluster in place and time.

A flood, a tree fallen across a road, a burst pipe: many residents report the
same thing at once. The crisis management centre needs to see it first, and
staff fold the reports into one case (``hotspot_merge``).

**Place.** ``ST_ClusterDBSCAN`` over the reports' points in EPSG:2180
(Poland's metric CRS, so ``eps`` is in metres), per category, with that
category's settings: a report is in a hotspot when at least
``Category.hotspot_reports`` reports (itself included) lie within
``Category.hotspot_metres`` of it, or when it lies within that distance of
such a report. A hotspot can therefore stretch further than ``hotspot_metres``
along a chain of reports (a flooded street), which is what DBSCAN means by a
cluster.

**Time.** Only open reports filed in the last ``Category.hotspot_hours``
(counted back from now) are clustered. A hotspot is something happening
*now*: one whose reports are all older than the window drops off the list, as
it should once the city is on it (or has merged it). We do not cluster "within
N hours of each other" over all time: PostGIS's DBSCAN measures 2D distance
only (a Z coordinate is ignored, so time cannot be folded in as a scaled third
axis), and an old burst of still-open reports is the dispatcher's backlog, not
an emergency.

**Who sees what.** Only the reports the caller may see are clustered, so a
hotspot never reveals, even by its count, a case of another unit.

Everything is one SQL statement, GeoJSON included.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mapa.catalogue.models import Unit
from mapa.core.i18n import is_english
from mapa.core.sql import fetch_value
from mapa.reports.casework import CaseworkError, report_mark_duplicate
from mapa.reports.models import OPEN_STATUSES, Report, ReportStatus

# A hotspot's area on the map: the convex hull of its reports, widened by this
# many metres so that reports in a line, or at one spot, still make an area.
HULL_PADDING_METRES = 20

# The most cases one merge may fold together.
MERGE_MAX = 200

_OPEN = ", ".join(f"'{status.value}'" for status in OPEN_STATUSES)

# The case that survives a merge, by default: the one furthest along, then the oldest.
_PROGRESS = f"""CASE status WHEN '{ReportStatus.IN_PROGRESS.value}' THEN 0
                           WHEN '{ReportStatus.ACCEPTED.value}' THEN 1 ELSE 2 END"""

# ``{visible}`` is a subquery of the report ids the caller may see; its own
# parameters come first, then the final SELECT's, in text order: English?,
# the case URL's parts before and after the reference, the status labels.
HOTSPOTS_SQL = f"""
WITH candidate AS (
    SELECT r.id, r.reference, r.status, r.created_at, r.category_id, r.district_id,
           r.unit_id, r.address, r.description,
           ST_Transform(r.location, 2180) AS xy,
           c.hotspot_metres, c.hotspot_reports
    FROM reports_report r
    JOIN catalogue_category c ON c.id = r.category_id
    WHERE r.status IN ({_OPEN}) AND NOT r.held
      AND r.created_at >= now() - make_interval(hours => c.hotspot_hours)
      AND r.id IN ({{visible}})
),
clustered AS (
    -- eps and minpoints are the category's; constant within each partition.
    SELECT candidate.*,
           ST_ClusterDBSCAN(xy, hotspot_metres, hotspot_reports)
               OVER (PARTITION BY category_id) AS cluster
    FROM candidate
),
hotspot AS (
    SELECT category_id, cluster,
           count(*) AS n,
           ST_Collect(xy) AS points,
           min(created_at) AS first_at,
           max(created_at) AS last_at,
           array_agg(reference ORDER BY created_at, id) AS refs,
           (array_agg(reference ORDER BY {_PROGRESS}, created_at, id))[1] AS suggested,
           array_agg(DISTINCT district_id) AS district_ids,
           array_agg(DISTINCT unit_id) AS unit_ids
    FROM clustered
    WHERE cluster IS NOT NULL
    GROUP BY category_id, cluster
)
SELECT json_build_object(
    'type', 'FeatureCollection',
    'features', COALESCE(json_agg(json_build_object(
        'type', 'Feature',
        'id', c.code || ':' || h.refs[1],
        'geometry', ST_AsGeoJSON(ST_Transform(
            ST_Buffer(ST_ConvexHull(h.points), {HULL_PADDING_METRES}), 4326), 7)::json,
        'properties', json_build_object(
            'category', json_build_object(
                'code', c.code,
                'name', CASE WHEN %s THEN c.name_en ELSE c.name_pl END,
                'icon', c.icon,
                'group', c."group"),
            'count', h.n,
            'references', h.refs,
            'suggested', h.suggested,
            'centroid', json_build_array(
                round(ST_X(centre.wgs84)::numeric, 7), round(ST_Y(centre.wgs84)::numeric, 7)),
            'radius_m', round(ST_MaxDistance(centre.xy, h.points)::numeric),
            'first_at', h.first_at,
            'last_at', h.last_at,
            'settings', json_build_object(
                'reports', c.hotspot_reports, 'metres', c.hotspot_metres,
                'hours', c.hotspot_hours),
            'districts', (SELECT COALESCE(json_agg(json_build_object(
                              'slug', d.slug, 'name', d.name) ORDER BY d.name), '[]'::json)
                          FROM districts_district d WHERE d.id = ANY(h.district_ids)),
            'units', (SELECT json_agg(json_build_object('code', u.code, 'name', u.name)
                                      ORDER BY u.name)
                      FROM catalogue_unit u WHERE u.id = ANY(h.unit_ids)),
            'reports', (SELECT json_agg(json_build_object(
                            'reference', m.reference,
                            'url', %s || m.reference || %s,
                            'status', m.status,
                            'status_label', %s::jsonb ->> m.status,
                            'created_at', m.created_at,
                            'address', m.address,
                            'description', left(m.description, 140),
                            'district', d.name) ORDER BY m.created_at, m.id)
                        FROM clustered m
                        LEFT JOIN districts_district d ON d.id = m.district_id
                        WHERE m.category_id = h.category_id AND m.cluster = h.cluster)
        )
    ) ORDER BY h.n DESC, h.last_at DESC, h.refs[1]), '[]'::json),
    'numberReturned', count(h.*)
)::text
FROM hotspot h
JOIN catalogue_category c ON c.id = h.category_id
CROSS JOIN LATERAL (
    SELECT ST_Centroid(h.points) AS xy,
           ST_Transform(ST_Centroid(h.points), 4326) AS wgs84
) centre
"""


def hotspots_geojson(*, reports: QuerySet[Report], case_url: tuple[str, str]) -> str:
    """The hotspots among ``reports`` as a FeatureCollection (JSON text), largest first.

    Each feature's geometry is the hotspot's area (EPSG:4326); its properties
    give the category, the count, the references (oldest first), the suggested
    surviving case, the centroid ``[lon, lat]``, the radius in metres around
    it, the first and last report's time, the districts and units, and each
    report with a link ``case_url[0] + reference + case_url[1]``.
    """
    try:
        visible_sql, visible_params = reports.values("id").query.sql_with_params()
    except EmptyResultSet:  # e.g. ``Report.objects.none()``: Django compiles no SQL for it
        visible_sql, visible_params = "SELECT NULL::bigint WHERE FALSE", ()
    labels = {status.value: str(status.label) for status in ReportStatus}
    params = [
        *visible_params,
        is_english(),
        case_url[0],
        case_url[1],
        json.dumps(labels),
    ]
    body: str = fetch_value(HOTSPOTS_SQL.format(visible=visible_sql), params)
    return body


def hotspot_merge(
    *,
    reports: Sequence[Report],
    into: Report,
    actor: User | None = None,
    actor_unit: Unit | None = None,
    public_note: str = "",
) -> Report:
    """Close every case of ``reports`` but ``into`` as a duplicate of ``into``: all or none.

    Every case must be open. The rows are locked in id order first, so two
    merges over the same cases wait for each other instead of deadlocking.
    Raises ``CaseworkError`` (field ``references`` or ``into``) and lets
    ``TransitionError`` through; either way nothing is changed.
    """
    others = sorted({r.pk: r for r in reports if r.pk != into.pk}.values(), key=lambda r: r.pk)
    if not others:
        raise CaseworkError(
            _("Name at least one other case to merge into %(reference)s.")
            % {"reference": into.reference},
            field="references",
        )
    with transaction.atomic():
        ids = [into.pk, *(r.pk for r in others)]
        locked = list(Report.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        for report in locked:
            if report.status not in OPEN_STATUSES or report.held:
                raise CaseworkError(
                    _("%(reference)s is %(status)s; only open cases can be merged.")
                    % {"reference": report.reference, "status": ReportStatus(report.status).label},
                    field="into" if report.pk == into.pk else "references",
                )
        total = len(others) + 1
        note = ngettext(
            "Merged into %(reference)s, one of %(count)d case of a hotspot.",
            "Merged into %(reference)s, one of %(count)d cases of a hotspot.",
            total,
        ) % {"count": total, "reference": into.reference}
        for report in others:
            report_mark_duplicate(
                report=report,
                original=into,
                actor=actor,
                actor_unit=actor_unit,
                public_note=public_note,
                internal_note=note,
            )
    into.refresh_from_db()
    return into
