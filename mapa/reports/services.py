"""Services that change reports. Each is keyword-only, typed and atomic."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import Model
from django.db.models.expressions import RawSQL
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mapa.catalogue.attributes import clean_attributes
from mapa.catalogue.models import Category
from mapa.catalogue.routing import route
from mapa.core.inserts import insert_sql
from mapa.moderation.selectors import banned_sql
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

# The next number of (prefix, year), formatted: GD-2026-000123. The counter row stays
# locked until the transaction ends, so numbers are unique and gap-free for committed
# reports within a year. Parameters: prefix, year.
NEXT_REFERENCE_SQL = """
INSERT INTO reports_referencecounter (prefix, year, last_value)
VALUES (%s, %s, 1)
ON CONFLICT (prefix, year)
DO UPDATE SET last_value = reports_referencecounter.last_value + 1
RETURNING prefix || '-' || year || '-'
          || lpad(last_value::text, greatest(6, length(last_value::text)), '0') AS reference
"""


def next_reference(prefix: str, *, when: datetime | None = None) -> str:
    """Issue the next reference for ``prefix`` in the local year: ``GD-2026-000123``."""
    year = timezone.localtime(when).year
    with connection.cursor() as cursor:
        cursor.execute(NEXT_REFERENCE_SQL, [prefix, year])
        reference: str = cursor.fetchone()[0]
    return reference


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


def photos_purge_unattached(*, older_than: datetime | None = None) -> int:
    """Delete photos (files included) never attached to a report, uploaded before
    ``older_than`` (by default ``MAPA_PHOTO_UNATTACHED_HOURS`` ago). The worker runs it
    after each sweep: a photo a resident uploaded and never sent is not kept."""
    if older_than is None:
        older_than = timezone.now() - timedelta(hours=settings.MAPA_PHOTO_UNATTACHED_HOURS)
    stale = ReportPhoto.objects.filter(report__isnull=True, created_at__lt=older_than)
    count = 0
    for photo in stale:  # files live on disk, one per photo: no bulk path for them
        photo.image.delete(save=False)
        photo.thumbnail.delete(save=False)
        photo.delete()
        count += 1
    return count


# Attach uploaded photos to the new report and answer them, in one statement.
ATTACH_PHOTOS_SQL = """
UPDATE reports_reportphoto SET report_id = %s
WHERE id = ANY(%s) AND report_id IS NULL
RETURNING id, report_id, image, thumbnail, width, height, created_at
"""


def _attach_photos(report: Report, photo_ids: list[uuid.UUID]) -> list[ReportPhoto]:
    """Attach the photos ``photo_ids`` to ``report``; the attached photos, oldest first."""
    if not photo_ids:
        return []
    if len(photo_ids) > settings.MAPA_PHOTOS_PER_REPORT:
        raise PhotoNotAvailable(
            _("At most %(count)d photos per report.") % {"count": settings.MAPA_PHOTOS_PER_REPORT}
        )
    with connection.cursor() as cursor:
        cursor.execute(ATTACH_PHOTOS_SQL, [report.pk, list(set(photo_ids))])
        names = [column.name for column in cursor.description]
        photos = [ReportPhoto.from_db(DEFAULT_DB_ALIAS, names, row) for row in cursor.fetchall()]
    if len(photos) != len(set(photo_ids)):
        raise PhotoNotAvailable(
            _("A photo was not found or belongs to another report; please upload it again.")
        )
    return sorted(photos, key=lambda photo: (photo.created_at, str(photo.pk)))


def _due(category: Category) -> datetime | None:
    """The service deadline of a report filed now, from its category (None: no deadline)."""
    if category.service_days is None:
        return None
    return timezone.now() + timedelta(days=category.service_days)


# Instead of the counter, for a reference given (parameters: the reference, the year).
GIVEN_REFERENCE_SQL = "SELECT %s::text AS reference, %s::int AS year"


# A report, its reference and the first event of its history, in one statement: the
# counter's next number, the report (``{report}``: Django's own INSERT of the model, its
# reference the counter's) and the event (``{event}``: its report the new row).
FILE_REPORT_SQL = f"""
WITH counter AS ({NEXT_REFERENCE_SQL}),
new_report AS ({{report}}),
new_event AS ({{event}})
SELECT new_report.id, counter.reference, new_event.id AS event_id, new_report.held
FROM new_report, counter, new_event
"""


def _file(report: Report, event: ReportEvent, *, prefix: str, reference: str = "") -> None:
    """Store ``report`` with its next reference and its first ``event`` (one statement).

    Sets the reference and the ids on both instances, which then stand for the stored
    rows (``auto_now`` times included, as ``save()`` would set them).
    """
    report.reference = RawSQL("(SELECT reference FROM counter)", [])
    event.report_id = RawSQL("(SELECT id FROM new_report)", [])
    report_sql, report_params = insert_sql(report, returning=["id", "held"])
    event_sql, event_params = insert_sql(event, returning=["id"])
    year = timezone.localtime(report.created_at).year
    sql = FILE_REPORT_SQL.format(report=report_sql, event=event_sql)
    if reference:  # issued already (an SMS triage case's): the counter is not moved
        sql = sql.replace(NEXT_REFERENCE_SQL, GIVEN_REFERENCE_SQL)
        prefix = reference
    with connection.cursor() as cursor:
        cursor.execute(sql, [prefix, year, *report_params, *event_params])
        report.pk, report.reference, event.pk, report.held = cursor.fetchone()
    for instance in (report, event):
        instance._state.adding = False
        instance._state.db = DEFAULT_DB_ALIAS
    event.report = report


def _set_related(instance: Model, name: str, objects: list[Any]) -> None:
    """Fill ``instance.<name>.all()`` with ``objects``, as prefetch_related would: no query."""
    cached = getattr(instance, name).all()
    cached._result_cache = objects
    cached._prefetch_done = True
    instance._prefetched_objects_cache = {  # type: ignore[attr-defined]
        **getattr(instance, "_prefetched_objects_cache", {}),
        name: cached,
    }


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
    reference: str = "",
    location_source: str = LocationSource.PIN,
    photo_ids: list[uuid.UUID] | None = None,
    actor: User | None = None,
    registered_by: User | None = None,
    priority: str = Priority.NORMAL,
    media_url: str = "",
    client_address: str | None = None,
) -> Report:
    """Store a report at ``location`` (EPSG:4326) and route it, in one transaction.

    Raises ``OutsideServiceArea`` (nothing saved) when no served district covers
    the point, ``AttributeErrors`` when the category's questions are not answered,
    and ``PhotoNotAvailable`` for photo ids that cannot be attached. ``media_url``
    (an Open311 client's link to a photo hosted elsewhere) is stored, never fetched.
    ``sms_updates`` (the reporter asked for SMS at ``reporter_phone``, already in E.164)
    is passed on with ``report_created``, for mapa/sms to keep and act on.
    ``reference``: file under a reference already issued from the same counter (an SMS
    triage case's, so that the resident keeps one number) instead of the next one.

    A report whose e-mail, phone or ``client_address`` (the sender's IP address) is on
    the ban list (mapa.moderation) is filed held for review (``held``): it is not public,
    and ``report_created`` is not sent (nobody is told) until ``report_release``. The
    filing statement asks the ban list itself, so it costs no statement more.

    Two statements in the transaction: routing (``mapa.catalogue.routing``), then the
    report with its reference and its first event (``FILE_REPORT_SQL``); a third attaches
    photos, if any. The category's questions are read from ``category`` (fetch it with
    ``mapa.catalogue.selectors.active_category`` and they cost no query). The report
    returned stands for the stored row, with its category, photos and history (the
    ``created`` event) in hand: building an answer from it reads nothing back. Then
    ``report_created`` is sent, still in the transaction.
    """
    answers = clean_attributes(category, attributes)
    with transaction.atomic():
        decision = route(category_id=category.pk, point=location)
        with translation.override("pl"):
            explanation = decision.explanation()
        report = Report(
            category=category,
            location=location,
            location_source=location_source,
            address=address,
            description=description,
            attributes=answers,
            channel=channel,
            status=ReportStatus.NEW,
            district_id=decision.district_id,
            unit=decision.unit,  # read by routing: telling it costs no query
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
            # Asked of the ban list in the filing statement; BANNED_SQL is a constant.
            held=RawSQL(  # noqa: S611
                *banned_sql(email=reporter_email, phone=reporter_phone, address=client_address)
            ),
        )
        event = ReportEvent(
            kind=EventKind.CREATED,
            actor=actor,
            to_status=ReportStatus.NEW,
            to_unit_id=decision.unit_id,
            # Kept for a held report's release, which sends ``report_created`` then.
            data={"sms_updates": True} if sms_updates else {},
        )
        _file(report, event, prefix=decision.reference_prefix, reference=reference)
        _set_related(report, "photos", _attach_photos(report, photo_ids or []))
        _set_related(report, "events", [event])
        if not report.held:
            report_created.send(sender=Report, report=report, sms_updates=sms_updates)
    return report
