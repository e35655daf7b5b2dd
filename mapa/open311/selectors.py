"""What Open311 answers, as records named by GeoReport v2 (``mapa.open311.formats`` renders them).

Services are the active categories (``service_code`` is the category's code),
their attributes the categories' questions. Service requests are reports, read
in one SQL statement per list: the report's public fields only, never the
reporter's contact data, staff notes, flags or priority.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mapa.catalogue.models import AttributeType, Category, CategoryAttribute, Unit
from mapa.catalogue.routing import explain
from mapa.catalogue.selectors import active_categories
from mapa.core.i18n import is_english, localized_name
from mapa.core.sql import fetch_all
from mapa.reports.geojson import report_url_parts
from mapa.reports.models import OPEN_STATUSES, Report, ReportStatus

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this server's Open311 interface last changed (the discovery's changeset).
CHANGESET = "2026-11-30T00:00:00Z"
MAX_REQUESTS = 1000  # the standard's default (and Mapa's only) page size
DEFAULT_DAYS = 90  # the standard's default window, and the widest one allowed
FORMATS = ["application/json", "text/xml"]


def discovery(*, endpoint_url: str) -> dict[str, Any]:
    """The service discovery document: where GeoReport v2 is, in which formats, who to ask."""
    triage = Unit.objects.filter(is_triage=True).first()
    contact = f"{triage.name}, {triage.email}" if triage else ""
    return {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": _(
            "An api_key is a staff API token of an account allowed to file reports "
            "(a consultant, or a system account for one application); the city's Mapa "
            "administrators issue it (manage.py api_token). Reading needs no key. "
            "Service request ids are returned at once: there are no tokens."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": endpoint_url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": FORMATS,
            }
        ],
    }


def services() -> list[dict[str, Any]]:
    """Every active category as a service, named in the active language."""
    return [_service(category) for category in active_categories()]


def _service(category: Category) -> dict[str, Any]:
    other_name = category.name_pl if is_english() else category.name_en
    keywords = [category.code, other_name, category.group]
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": bool(category.attributes.all()),
        "type": "realtime",
        "keywords": ", ".join(k for k in keywords if k),
        "group": category.group,
    }


def service_definition(code: str) -> dict[str, Any] | None:
    """The questions of the active category ``code``; None if there is no such service."""
    category = active_categories().filter(code=code).first()
    if category is None:
        return None
    questions = category.attributes.all()
    return {
        "service_code": category.code,
        "attributes": [_attribute(q, order) for order, q in enumerate(questions, start=1)],
    }


def _datatype_description(datatype: str) -> str:
    descriptions: dict[str, str] = {
        AttributeType.STRING: _("Short text, at most 200 characters."),
        AttributeType.TEXT: _("Text, at most 2000 characters."),
        AttributeType.NUMBER: _("A number, e.g. 3 or 2.5."),
        AttributeType.DATETIME: _("A date and time in ISO 8601, e.g. 2026-05-01T14:30:00+02:00."),
        AttributeType.SINGLE: _("One key of the values."),
        AttributeType.MULTI: _(
            "One or more keys of the values: send attribute[code][] once per key."
        ),
    }
    return str(descriptions.get(datatype, ""))


def _attribute(question: CategoryAttribute, order: int) -> dict[str, Any]:
    record: dict[str, Any] = {
        "variable": True,
        "code": question.code,
        "datatype": question.datatype,
        "required": question.required,
        "datatype_description": _datatype_description(question.datatype),
        "order": order,
        "description": question.label,
    }
    if question.datatype in (AttributeType.SINGLE, AttributeType.MULTI):
        record["values"] = [
            {"key": str(v["key"]), "name": localized_name(v, default=str(v["key"]))}
            for v in question.values
        ]
    return record


@dataclass(frozen=True)
class RequestQuery:
    """GET requests' filters, already checked. ``references`` overrides all the others."""

    references: list[str] | None = None
    service_codes: list[str] | None = None
    start: datetime | None = None
    end: datetime | None = None
    open: bool | None = None  # None: open and closed


def filtered(reports: QuerySet[Report], query: RequestQuery) -> QuerySet[Report]:
    """``reports`` narrowed by ``query``, newest first, at most ``MAX_REQUESTS``."""
    if query.references is not None:
        reports = reports.filter(reference__in=query.references)
    else:
        if query.service_codes:
            reports = reports.filter(category__code__in=query.service_codes)
        if query.start is not None:
            reports = reports.filter(created_at__gte=query.start)
        if query.end is not None:
            reports = reports.filter(created_at__lte=query.end)
        if query.open is not None:
            open_values = [s.value for s in OPEN_STATUSES]
            reports = (
                reports.filter(status__in=open_values)
                if query.open
                else reports.exclude(status__in=open_values)
            )
    return reports.order_by("-created_at", "-id")[:MAX_REQUESTS]


# One row per report of the page: its public fields, the routed unit, the
# district, its first photo and its last public note. Coordinates come from
# PostGIS (the point is EPSG:4326, x = longitude).
REQUESTS_SQL = """
WITH page AS ({page_sql})
SELECT r.reference, r.status, r.description, r.address, r.media_url,
       r.created_at, r.updated_at, r.due_at, r.routing, r.routing_explanation,
       ST_Y(r.location) AS lat, ST_X(r.location) AS lon,
       c.code AS service_code,
       CASE WHEN %s AND c.name_en <> '' THEN c.name_en ELSE c.name_pl END AS service_name,
       u.name AS agency_responsible,
       d.name AS district, d.slug AS district_slug,
       photo.image AS photo,
       note.public_note
FROM page
JOIN reports_report r ON r.id = page.id
JOIN catalogue_category c ON c.id = r.category_id
JOIN catalogue_unit u ON u.id = r.unit_id
LEFT JOIN districts_district d ON d.id = r.district_id
LEFT JOIN LATERAL (
    SELECT p.image FROM reports_reportphoto p
    WHERE p.report_id = r.id ORDER BY p.created_at, p.id LIMIT 1
) photo ON TRUE
LEFT JOIN LATERAL (
    SELECT e.public_note FROM reports_reportevent e
    WHERE e.report_id = r.id AND e.public_note <> ''
    ORDER BY e.created_at DESC, e.id DESC LIMIT 1
) note ON TRUE
ORDER BY r.created_at DESC, r.id DESC
"""


def service_requests(
    reports: QuerySet[Report], query: RequestQuery, *, site_url: str
) -> list[dict[str, Any]]:
    """The service requests among ``reports`` matching ``query``, newest first.

    ``site_url`` (``https://host``) makes the photo and report page URLs absolute.
    """
    page = filtered(reports, query).values("id")
    page_sql, page_params = page.query.sql_with_params()
    rows = fetch_all(REQUESTS_SQL.format(page_sql=page_sql), [*page_params, is_english()])
    before, after = report_url_parts()
    labels = {status.value: str(status.label) for status in ReportStatus}
    return [_request(row, site_url, before, after, labels) for row in rows]


def _notice(routing: Any, stored: str) -> str:
    """The routing explanation in the active language (Polish as stored, when no data)."""
    data = json.loads(routing) if isinstance(routing, str) else routing
    return explain(data) if data else stored


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _request(
    row: dict[str, Any], site_url: str, before: str, after: str, labels: dict[str, str]
) -> dict[str, Any]:
    label = labels.get(row["status"], row["status"])
    note = row["public_note"]
    if row["photo"]:
        media_url: str | None = site_url + settings.MEDIA_URL + row["photo"]
    else:
        media_url = row["media_url"] or None
    return {
        "service_request_id": row["reference"],
        "status": "open" if row["status"] in OPEN_STATUSES else "closed",
        "status_notes": f"{label}: {note}" if note else label,
        "service_name": row["service_name"],
        "service_code": row["service_code"],
        "description": row["description"],
        "agency_responsible": row["agency_responsible"],
        "service_notice": _notice(row["routing"], row["routing_explanation"]),
        "requested_datetime": _iso(row["created_at"]),
        "updated_datetime": _iso(row["updated_at"]),
        "expected_datetime": _iso(row["due_at"]),
        "address": row["address"],
        "address_id": None,
        "zipcode": None,
        "lat": round(row["lat"], 7),
        "long": round(row["lon"], 7),
        "media_url": media_url,
        "extended_attributes": {
            "status": row["status"],
            "status_label": label,
            "district": row["district"],
            "district_slug": row["district_slug"],
            "url": site_url + before + row["reference"] + after,
        },
    }
