"""Who is told about a report: its followers, and the area alerts it matches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.gis.db.models import PointField
from django.contrib.gis.measure import D
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce, Lower

from mapa.alerts.models import ACTIVE, AlertKind, AreaAlert, Follow, Match
from mapa.core.geo import WGS84
from mapa.reports.models import Report

# The largest radius an alert may have, in metres. The matching query asks for this
# distance first, which PostgreSQL answers from the alerts' geography index; the
# alert's own radius (a column, which no index can use) then checks the few left.
MAX_RADIUS_M = 5000


@dataclass(frozen=True)
class MatchingAlert:
    id: int
    email: str  # lower-case
    language: str
    frequency: str
    sent_today: int  # immediate alerts it sent today (the cap, services.IMMEDIATE_PER_DAY)


def matching_alerts(report: Report, kind: AlertKind, *, today: date) -> list[MatchingAlert]:
    """Active area alerts for ``kind`` that ``report`` matches, in ONE query.

    In the area: one of its districts is the report's district (the district the
    routing chose, so a point on a shared border matches as routed), or the report
    lies within ``radius_m`` metres of its point (``ST_DWithin`` on geography: metres
    on the WGS84 spheroid). In its categories, if it chose any. Ordered by address,
    then immediate alerts first, then the oldest.
    """
    through_categories = AreaAlert.categories.through.objects.filter(areaalert_id=OuterRef("pk"))
    location = report.location
    assert location.srid == WGS84
    geography = Cast("point", PointField(geography=True, srid=WGS84))
    # The candidates, each branch from its own index: circles within the largest radius
    # (the partial GiST index on the geography) and alerts for the report's district
    # (the through table's index). A UNION, not an OR, so that PostgreSQL does not read
    # every alert; the alert's own radius (a column no index can use) then checks the few.
    candidates = (
        AreaAlert.objects.annotate(geography=geography)
        .filter(point__isnull=False, geography__dwithin=(location, D(m=MAX_RADIUS_M)))
        .order_by()
        .values("pk")
    )
    in_area = Q(geography__dwithin=(location, F("radius_m")))
    if report.district_id is not None:
        in_district = AreaAlert.districts.through.objects.filter(district_id=report.district_id)
        candidates = candidates.union(in_district.order_by().values("areaalert_id"))
        in_area |= Q(Exists(in_district.filter(areaalert_id=OuterRef("pk"))))
    sent_today = (
        Match.objects.filter(alert_id=OuterRef("pk"), day=today, immediate=True)
        .values("alert_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    wants = {"new_reports": True} if kind == AlertKind.NEW else {"resolved_reports": True}
    rows = (
        AreaAlert.objects.filter(ACTIVE, pk__in=candidates, **wants)
        .annotate(
            geography=geography,
            address=Lower("email"),
            sent_today=Coalesce(Subquery(sent_today, output_field=IntegerField()), 0),
        )
        .filter(in_area)
        .filter(
            ~Q(Exists(through_categories))
            | Q(Exists(through_categories.filter(category_id=report.category_id)))
        )
        .order_by("address", F("frequency").desc(), "pk")  # "immediate" > "daily"
        .values_list("pk", "address", "language", "frequency", "sent_today")
    )
    return [MatchingAlert(*row) for row in rows]


def active_followers(report: Report) -> list[Follow]:
    """The report's confirmed followers who have not unsubscribed, oldest first."""
    return list(Follow.objects.filter(ACTIVE, report=report).order_by("pk"))


def follower_count(report: Report) -> int:
    """How many confirmed followers a report has (public: a number only)."""
    return Follow.objects.filter(ACTIVE, report=report).count()
