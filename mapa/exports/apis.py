"""Unit exports: ``/api/exports/reports.geojson`` and ``reports.csv``, streamed.

Staff API credentials (``Authorization: Token …`` or the staff session): a
unit's account exports its own cases (``visible_reports``), GCK, dispatchers
and administrators every case. The dispatcher's filters apply, plus the sync
parameters (``updated_since``, ``cursor``, ``limit``; ``mapa.exports.sync``).

Each answer carries an ``ETag`` and a ``Last-Modified``: a repeat call with
``If-None-Match`` (or, without it, ``If-Modified-Since``) is a 304 when nothing
changed. The body is streamed from PostGIS (``mapa.exports.streams``).

The ``ETag`` is exact: it hashes the URL, the caller (account, role, units),
the language, the page's count, sum of ids, latest change and extent, the
latest change the caller could see, and the names of categories, units and
districts. ``Last-Modified`` is the second after the latest change to any case
the caller may see (or re-routed away from their units), so a case leaving a
filter counts too; it cannot see a category renamed, a case becoming overdue
with time, or the account given another unit: clients should prefer the ETag.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request

from mapa.core import openapi as doc
from mapa.core.api import GEOJSON as GEOJSON_TYPE
from mapa.core.i18n import is_english
from mapa.exports import openapi as shapes
from mapa.exports.inputs import INPUTS, export_query
from mapa.exports.selectors import CSV, GEOJSON, ExportPlan
from mapa.exports.streams import ReportExport
from mapa.staff.apis import StaffApi
from mapa.staff.roles import role_of, units_of

CONTENT_TYPES = {GEOJSON: f"{GEOJSON_TYPE}; charset=utf-8", CSV: "text/csv; charset=utf-8"}

SYNC_DESCRIPTION = (
    "**Incremental sync.** Cases come in the order of their last change (then id). "
    "Keep the answer's `cursor` (GeoJSON body, and the `Mapa-Cursor` header) and send it "
    "back next time: you get exactly the cases changed since, status changes, re-routings "
    "and notes included. `updated_since` starts from a time instead. An answer only holds "
    "changes made at least a few seconds before it (and before any transaction still "
    "open), so a change committed late is never skipped. With `limit`, follow `next` "
    '(also `Link: rel="next"`) until it is null.\n\n'
    "**Caching.** `ETag` and `Last-Modified` come with every answer; send them back as "
    "`If-None-Match` / `If-Modified-Since` for a 304 when nothing changed.\n\n"
    "Unit accounts see their own cases; GCK, dispatchers and administrators all. "
    "No contact data, internal notes or flags, ever. Streamed: a million cases keep the "
    "server's memory flat."
)


class ReportExportApi(StaffApi):
    """GET: the caller's cases, filtered, in ``export_format``, from a sync position."""

    export_format = GEOJSON

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The body is not DRF's to render; errors are JSON whatever the client accepts.
        return super().perform_content_negotiation(request, force=True)

    def get(self, request: Request) -> HttpResponseBase:
        query = export_query(
            request.query_params, request.user, fmt=self.export_format, english=is_english()
        )

        def next_url(cursor: str) -> str:
            params = request.query_params.copy()
            params["cursor"] = cursor
            return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

        export = ReportExport(query, next_url=next_url)
        plan = export.plan
        headers = _cache_headers(plan, plan.etag(self._identity(request)))
        if _not_modified(request, headers["ETag"], plan):
            return HttpResponse(status=304, headers=headers)
        if plan.cursor:
            headers["Mapa-Cursor"] = plan.cursor
        if export.next_url:
            headers["Link"] = f'<{export.next_url}>; rel="next"'
        stamp = plan.watermark.strftime("%Y%m%dT%H%M%SZ")
        headers["Content-Disposition"] = (
            f'attachment; filename="mapa-reports-{stamp}.{self.export_format}"'
        )
        return StreamingHttpResponse(
            export, content_type=CONTENT_TYPES[self.export_format], headers=headers
        )

    def _identity(self, request: Request) -> str:
        """Who asked what: the same URL answers differently to another unit or language."""
        user = request.user
        return "|".join(
            [
                self.export_format,
                request.build_absolute_uri(),
                str(getattr(user, "pk", "")),
                str(role_of(user)),
                ",".join(map(str, units_of(user))),
                get_language() or "",
            ]
        )


def _cache_headers(plan: ExportPlan, etag: str) -> dict[str, str]:
    headers = {
        "ETag": etag,
        # Every client's own answer; a cache must ask again before reusing it.
        "Cache-Control": "private, no-cache",
        "Vary": "Authorization, Cookie, Accept-Language",
    }
    if plan.last_modified is not None:
        headers["Last-Modified"] = http_date(plan.last_modified.timestamp())
    return headers


def _not_modified(request: Request, etag: str, plan: ExportPlan) -> bool:
    """RFC 9110: If-None-Match decides when sent (weak comparison); else If-Modified-Since."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match:
        tags = parse_etags(if_none_match)
        return "*" in tags or etag.removeprefix("W/") in [t.removeprefix("W/") for t in tags]
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    if since is None or plan.last_modified is None:
        return False
    return plan.last_modified.timestamp() <= since


_ERRORS = {
    304: shapes.NOT_MODIFIED,
    400: shapes.BAD_INPUT,
    **doc.staff_errors(not_found_too=False),
}


class GeoJSONExportApi(ReportExportApi):
    export_format = GEOJSON

    @extend_schema(
        operation_id="exports_reports_geojson",
        summary="Export cases as GeoJSON (RFC 7946), with incremental sync",
        description=(
            "An RFC 7946 FeatureCollection of the caller's cases: Points in WGS84 "
            "`[longitude, latitude]` with at most 7 decimals, no `crs`, flat properties "
            "(GIS tools read it as a layer). The dispatcher's filters apply.\n\n" + SYNC_DESCRIPTION
        ),
        tags=["exports"],
        parameters=[INPUTS[GEOJSON], *shapes.parameters()],
        responses={(200, doc.GEOJSON): shapes.ExportCollection, **_ERRORS},
        examples=[shapes.GEOJSON_EXAMPLE],
    )
    def get(self, request: Request) -> HttpResponseBase:
        return super().get(request)


class CsvExportApi(ReportExportApi):
    export_format = CSV

    @extend_schema(
        operation_id="exports_reports_csv",
        summary="Export cases as CSV, with incremental sync",
        description=(
            "The same cases and properties as the GeoJSON export, as UTF-8 CSV with a header "
            "row, `lon` and `lat` columns (WGS84, 7 decimals) and, with `wkt=true`, a `wkt` "
            "column. Text cells a spreadsheet would run as a formula (starting with = + - @) "
            "get a leading apostrophe. The resume cursor is in the `Mapa-Cursor` header; the "
            "next page in `Link`.\n\n" + SYNC_DESCRIPTION
        ),
        tags=["exports"],
        parameters=[INPUTS[CSV], *shapes.parameters()],
        responses={(200, "text/csv"): OpenApiTypes.STR, **_ERRORS},
        examples=[shapes.CSV_EXAMPLE],
    )
    def get(self, request: Request) -> HttpResponseBase:
        return super().get(request)
