"""Services that change reports. Each is keyword-only, typed and atomic."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mapa.catalogue.attributes import clean_attributes
from mapa.catalogue.models import Category
from mapa.catalogue.routing import route
from mapa.core.sql import fetch_value
from mapa.reports.models import (
    Channel,
    EventKind,
    LocationSource,
    Priority,
    Report,
    ReportEvent,
    ReportPhoto,
    ReportStatus,
)
from mapa.reports.photos import clean_photo
from mapa.reports.signals import report_created

NEXT_REFERENCE_SQL = """
INSERT INTO reports_referencecounter (prefix, year, last_value)
VALUES (%s, %s, 1)
ON CONFLICT (prefix, year)
DO UPDATE SET last_value = reports_referencecounter.last_value + 1
RETURNING last_value
"""


def next_reference(prefix: str, *, when: datetime | None = None) -> str:
    """Issue the next reference for ``prefix`` in the local year: ``GD-2026-000123``.

    The counter row is locked until the caller's transaction ends, so numbers
    are unique and gap-free for committed reports within a year.
    """
    year = timezone.localtime(when).year
    value = fetch_value(NEXT_REFERENCE_SQL, [prefix, year])
    return f"{prefix}-{year}-{value:06d}"


class PhotoNotAvailable(ValueError):
    """A photo id that is unknown, or already belongs to another report."""


def photo_upload(*, upload: IO[bytes], size: int) -> tuple[ReportPhoto, tuple[float, float] | None]:
    """Clean and store a photo before its report is sent.

    Returns the stored photo and the (lon, lat) its EXIF carried, if any: the
    position is offered to the resident as the location and is not stored.
    Raises ``PhotoError`` for files Mapa will not take.
    """
    clean = clean_photo(upload, size=size)
    photo = ReportPhoto(width=clean.width, height=clean.height)
    photo.image.save(f"{photo.id}.{clean.extension}", ContentFile(clean.image), save=False)
    photo.thumbnail.save(f"{photo.id}-thumb.jpg", ContentFile(clean.thumbnail), save=False)
    photo.save()
    return photo, clean.gps


def photos_purge_unattached(*, older_than: datetime) -> int:
    """Delete photos (files included) never attached to a report, uploaded before ``older_than``."""
    stale = ReportPhoto.objects.filter(report__isnull=True, created_at__lt=older_than)
    count = 0
    for photo in stale:  # files live on disk, one per photo: no bulk path for them
        photo.image.delete(save=False)
        photo.thumbnail.delete(save=False)
        photo.delete()
        count += 1
    return count


def _attach_photos(report: Report, photo_ids: list[uuid.UUID]) -> None:
    if not photo_ids:
        return
    if len(photo_ids) > settings.MAPA_PHOTOS_PER_REPORT:
        raise PhotoNotAvailable(
            _("At most %(count)d photos per report.") % {"count": settings.MAPA_PHOTOS_PER_REPORT}
        )
    attached = ReportPhoto.objects.filter(id__in=photo_ids, report__isnull=True).update(
        report=report
    )
    if attached != len(set(photo_ids)):
        raise PhotoNotAvailable(
            _("A photo was not found or belongs to another report; please upload it again.")
        )


def _due(category: Category) -> datetime | None:
    """The service deadline of a report filed now, from its category (None: no deadline)."""
    if category.service_days is None:
        return None
    return timezone.now() + timedelta(days=category.service_days)


def report_create(
    *,
    category: Category,
    location: Point,
    description: str,
    address: str = "",
    attributes: dict[str, Any] | None = None,
    channel: str = Channel.WEB,
    reporter_name: str = "",
    reporter_email: str = "",
    reporter_phone: str = "",
    sms_updates: bool = False,
    location_source: str = LocationSource.PIN,
    photo_ids: list[uuid.UUID] | None = None,
    actor: User | None = None,
    registered_by: User | None = None,
    priority: str = Priority.NORMAL,
    media_url: str = "",
) -> Report:
    """Store a report at ``location`` (EPSG:4326) and route it, in one transaction.

    Raises ``OutsideServiceArea`` (nothing saved) when no served district covers
    the point, ``AttributeErrors`` when the category's questions are not answered,
    and ``PhotoNotAvailable`` for photo ids that cannot be attached. ``media_url``
    (an Open311 client's link to a photo hosted elsewhere) is stored, never fetched.
    ``sms_updates`` (the reporter asked for SMS at ``reporter_phone``, already in E.164)
    is passed on with ``report_created``, for mapa/sms to keep and act on.
    """
    answers = clean_attributes(category, attributes)
    with transaction.atomic():
        decision = route(category_id=category.pk, point=location)
        with translation.override("pl"):
            explanation = decision.explanation()
        report = Report.objects.create(
            reference=next_reference(decision.reference_prefix),
            category=category,
            location=location,
            location_source=location_source,
            address=address,
            description=description,
            attributes=answers,
            channel=channel,
            district_id=decision.district_id,
            unit_id=decision.unit_id,
            routing_reason=decision.reason,
            routing=decision.as_data(),
            routing_explanation=explanation,
            reporter_name=reporter_name,
            reporter_email=reporter_email,
            reporter_phone=reporter_phone,
            registered_by=registered_by,
            priority=priority,
            media_url=media_url,
            due_at=_due(category),
        )
        ReportEvent.objects.create(
            report=report,
            kind=EventKind.CREATED,
            actor=actor,
            to_status=ReportStatus.NEW,
            to_unit_id=decision.unit_id,
        )
        _attach_photos(report, photo_ids or [])
        report_created.send(sender=Report, report=report, sms_updates=sms_updates)
    return report
