"""Read-side queries for reports. GeoJSON lists come from PostGIS (see ``geojson``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.gis.geos import Point
from django.db.models import Prefetch, QuerySet

from mapa.districts.routing import explain
from mapa.reports.geojson import FEATURE_COLUMNS, open_reports_near_geojson, page_of_features
from mapa.reports.models import Report, ReportEvent

LIST_DEFAULT_LIMIT = 200
LIST_MAX_LIMIT = 1000
NEARBY_MAX_METRES = 2000
NEARBY_LIMIT = 50


@dataclass(frozen=True)
class FeaturePage:
    features_json: str
    returned: int
    next_after: int | None  # pass as ``after`` to get the next page


def report_feature_page(
    reports: QuerySet[Report], *, limit: int, after: int | None = None
) -> FeaturePage:
    """One page of ``reports`` as GeoJSON features, newest first (keyset paging on id)."""
    if after is not None:
        reports = reports.filter(id__lt=after)
    page = reports.order_by("-id").values(*FEATURE_COLUMNS)[: limit + 1]
    sql, params = page.query.sql_with_params()
    row = page_of_features(sql, list(params), limit)
    return FeaturePage(
        features_json=row["features"],
        returned=row["returned"],
        next_after=row["last_id"] if row["has_more"] else None,
    )


def open_reports_near(point: Point, *, metres: float = 250, limit: int = NEARBY_LIMIT) -> str:
    """GeoJSON FeatureCollection of open reports within ``metres`` of ``point``, nearest first."""
    return open_reports_near_geojson(lon=point.x, lat=point.y, metres=metres, limit=limit)


def public_report(reference: str) -> Report | None:
    """A report with what its public page shows: category, district, unit, public history."""
    events = ReportEvent.objects.select_related("to_unit", "actor_unit").order_by(
        "created_at", "id"
    )
    return (
        Report.objects.select_related("category", "district", "unit")
        .prefetch_related("category__attributes", "photos", Prefetch("events", queryset=events))
        .filter(reference=reference)
        .first()
    )


def public_history(report: Report) -> list[dict[str, Any]]:
    """The events anyone may see: when, what changed, the public note. No people, no internals."""
    history = []
    for event in report.events.all():
        if event.kind == "comment" and not event.public_note:
            continue
        history.append(
            {
                "at": event.created_at.isoformat(),
                "kind": event.kind,
                "kind_label": str(event.get_kind_display()),
                "from_status": event.from_status or None,
                "to_status": event.to_status or None,
                "to_status_label": str(event.get_to_status_display()) if event.to_status else None,
                "unit": event.to_unit.name
                if event.to_unit
                else (event.actor_unit.name if event.actor_unit else None),
                "note": event.public_note,
            }
        )
    return history


def public_attributes(report: Report) -> list[dict[str, Any]]:
    """Answers to the category's questions that are marked public, with their labels."""
    answers = []
    for question in report.category.attributes.all():
        if not question.public or question.code not in report.attributes:
            continue
        value = report.attributes[question.code]
        names = {
            str(v["key"]): v.get("name_en" if _english() else "name_pl", v["key"])
            for v in question.values
        }
        shown = (
            [names.get(str(v), v) for v in value]
            if isinstance(value, list)
            else names.get(str(value), value)
        )
        answers.append(
            {"code": question.code, "label": question.label, "value": value, "display": shown}
        )
    return answers


def routing_explanation(report: Report) -> str:
    return explain(report.routing) if report.routing else report.routing_explanation


def _english() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "pl").startswith("en")
