"""Read-side queries for reports. GeoJSON lists come from PostGIS (see ``geojson``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.gis.geos import Point
from django.db.models import Prefetch, Q, QuerySet

from mapa.catalogue.routing import explain
from mapa.reports.geojson import (
    PUBLIC,
    FeatureShape,
    new_report_feature,
    open_reports_near_geojson,
    page_of_features,
    report_feature,
)
from mapa.reports.models import PUBLIC_REPORTS, EventKind, Report, ReportEvent

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
    reports: QuerySet[Report],
    *,
    limit: int,
    after: int | None = None,
    shape: FeatureShape = PUBLIC,
) -> FeaturePage:
    """One page of ``reports`` as GeoJSON features, newest first (keyset paging on id)."""
    if after is not None:
        reports = reports.filter(id__lt=after)
    page = reports.order_by("-id").values(*shape.columns)[: limit + 1]
    sql, params = page.query.sql_with_params()
    row = page_of_features(sql, list(params), limit, shape)
    return FeaturePage(
        features_json=row["features"],
        returned=row["returned"],
        next_after=row["last_id"] if row["has_more"] else None,
    )


def open_reports_near(point: Point, *, metres: float = 250, limit: int = NEARBY_LIMIT) -> str:
    """GeoJSON FeatureCollection of open reports within ``metres`` of ``point``, nearest first."""
    return open_reports_near_geojson(lon=point.x, lat=point.y, metres=metres, limit=limit)


@dataclass(frozen=True)
class PublicReport:
    """What anyone may see of one report: the API's detail and the report page show this.

    ``feature`` is the report's public GeoJSON Feature as lists show it; the
    other fields add the full description, the public answers, the routing
    explanation, the public history and the photos. No personal data.
    """

    report: Report
    feature: dict[str, Any]
    attributes: list[dict[str, Any]]
    explanation: str
    history: list[dict[str, Any]]
    photos: list[dict[str, Any]]

    def as_feature(self) -> dict[str, Any]:
        """The detail as one GeoJSON Feature (history times in ISO 8601)."""
        properties = {
            **self.feature["properties"],
            "description": self.report.description,
            "attributes": self.attributes,
            "routing": {"reason": self.report.routing_reason, "explanation": self.explanation},
            "history": [{**entry, "at": entry["at"].isoformat()} for entry in self.history],
            "photos": self.photos,
        }
        return {**self.feature, "properties": properties}


def public_report(reference: str, *, held: bool = False) -> PublicReport | None:
    """The public view of the report ``reference``, or None if there is no such report.

    A report held for review is None too, unless ``held`` (for staff, who see it).
    """
    events = ReportEvent.objects.select_related("to_unit", "actor_unit").order_by(
        "created_at", "id"
    )
    report = (
        Report.objects.select_related("category", "district", "unit")
        .prefetch_related("category__attributes", "photos", Prefetch("events", queryset=events))
        .filter(PUBLIC_REPORTS if not held else Q(), reference=reference)
        .first()
    )
    if report is None:
        return None
    return _public(report, report_feature(report.pk))


def new_report_detail(report: Report) -> PublicReport:
    """The public view of a report ``report_create`` just returned, from what it holds.

    Asks the database nothing: the report, its category and questions, its photos and
    its ``created`` event are in hand, and its district and unit are named in its routing
    decision. The same as ``public_report`` would read back (a test compares them).
    """
    return _public(report, new_report_feature(report), event_unit=report.routing["unit_name"])


def _public(report: Report, feature: dict[str, Any], event_unit: str | None = None) -> PublicReport:
    return PublicReport(
        report=report,
        feature=feature,
        attributes=public_attributes(report),
        explanation=routing_explanation(report),
        history=public_history(report, event_unit=event_unit),
        photos=[
            {
                "url": p.image.url,
                "thumbnail_url": p.thumbnail.url,
                "width": p.width,
                "height": p.height,
            }
            for p in report.photos.all()
        ],
    )


def public_history(report: Report, *, event_unit: str | None = None) -> list[dict[str, Any]]:
    """The events anyone may see: when, what changed, the public note. No people, no internals.

    ``event_unit``, when given, is the unit every event names, so that none is read (a
    new report's one event names the unit its routing chose).
    """
    history = []
    for event in report.events.all():
        if event.kind == EventKind.COMMENT and not event.public_note:
            continue
        history.append(
            {
                "at": event.created_at,
                "kind": event.kind,
                "kind_label": str(event.get_kind_display()),
                "from_status": event.from_status or None,
                "to_status": event.to_status or None,
                "to_status_label": str(event.get_to_status_display()) if event.to_status else None,
                "unit": event_unit if event_unit is not None else _event_unit(event),
                "note": event.public_note,
            }
        )
    return history


def _event_unit(event: ReportEvent) -> str | None:
    if event.to_unit:
        return event.to_unit.name
    return event.actor_unit.name if event.actor_unit else None


def public_attributes(report: Report) -> list[dict[str, Any]]:
    """Answers to the category's questions that are marked public, with their labels."""
    return [
        {
            "code": question.code,
            "label": question.label,
            "value": report.attributes[question.code],
            "display": question.display(report.attributes[question.code]),
        }
        for question in report.category.attributes.all()
        if question.public and question.code in report.attributes
    ]


def routing_explanation(report: Report) -> str:
    """Why the report went where it went, in the active language (from its stored decision)."""
    return explain(report.routing) if report.routing else report.routing_explanation
