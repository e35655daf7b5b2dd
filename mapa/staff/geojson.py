"""The staff's GeoJSON: the public feature plus what only staff see, built by PostGIS.

Staff properties: channel, priority, due date and whether it is overdue,
internal flags, the case's version, who registered it, the staff case page's
URL, and the reporter's contact data for roles that may see it (``null``
for the others). Never used by a public endpoint.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mapa.reports.geojson import FEATURE_COLUMNS, FEATURE_SQL, FeatureShape, feature_params
from mapa.reports.models import OPEN_STATUSES

OPEN = ", ".join(f"'{status.value}'" for status in OPEN_STATUSES)

STAFF_FEATURE_SQL = f"""
(SELECT jsonb_set(f, '{{properties}}', (f -> 'properties') || jsonb_build_object(
    'staff_url', %s || r.reference || %s,
    'channel', r.channel,
    'priority', r.priority,
    'due_at', r.due_at,
    'overdue', COALESCE(r.due_at < now() AND r.status IN ({OPEN}), FALSE),
    'internal_flags', to_jsonb(r.internal_flags),
    'version', r.version,
    'held', r.held,
    'registered_by', (SELECT username FROM auth_user WHERE id = r.registered_by_id),
    'contact', CASE WHEN %s THEN jsonb_build_object(
        'name', r.reporter_name, 'email', r.reporter_email, 'phone', r.reporter_phone)
        ELSE NULL END
 )) FROM (SELECT ({FEATURE_SQL})::jsonb AS f) AS public_feature)"""

STAFF_COLUMNS = (
    *FEATURE_COLUMNS,
    "channel",
    "priority",
    "due_at",
    "internal_flags",
    "version",
    "held",
    "registered_by_id",
    "reporter_name",
    "reporter_email",
    "reporter_phone",
)

CASE_PAGE_URL = "staff:case"


def case_url_parts() -> tuple[str, str]:
    """What comes before and after the reference in a staff case page's URL."""
    marker = "REFERENCE"
    before, after = reverse(CASE_PAGE_URL, args=[marker]).split(marker)
    return before, after


def staff_shape(*, with_contact: bool) -> FeatureShape:
    """The staff feature; ``with_contact`` for roles that may see the reporter's contact data."""

    def params() -> list[Any]:
        return [*case_url_parts(), with_contact, *feature_params()]

    return FeatureShape(sql=STAFF_FEATURE_SQL, columns=STAFF_COLUMNS, params=params)
