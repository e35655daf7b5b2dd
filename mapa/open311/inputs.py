"""Open311's parameters, parsed and checked: a bad one is a 400 naming it (``Open311Error``).

GeoReport v2 sends everything as form fields or query parameters: a POST's
fields may come in the body (``application/x-www-form-urlencoded`` or
multipart) or in the query string, as the standard's Swagger description puts
them; the body wins when both name a field.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from mapa.catalogue.models import Category
from mapa.catalogue.selectors import active_category
from mapa.core.geo import WGS84
from mapa.core.numbers import NotANumber, finite_number
from mapa.core.text import unstorable_reason
from mapa.open311.errors import Open311Error
from mapa.open311.selectors import DEFAULT_DAYS, MAX_REQUESTS, RequestQuery
from mapa.reports.filters import MAX_UTC_OFFSET
from mapa.reports.models import DESCRIPTION_MAX_LENGTH, LocationSource
from mapa.reports.serializers import phone_validator

Params = MultiValueDict[str, Any]

ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
NAME_MAX = 100  # Report.reporter_name
ADDRESS_MAX = 200  # Report.address
MEDIA_URL_MAX = 500  # Report.media_url
MIN_YEAR, MAX_YEAR = 1900, 9000  # dates a filter may name


def _text(params: Params, name: str, *, limit: int | None = None) -> str:
    """The last value of ``name`` (a form's usual reading), checked for storability and length."""
    value = params.get(name, "")
    if not isinstance(value, str):  # a file sent in a text field
        raise Open311Error.bad_field(name, _("Must be text."))
    reason = unstorable_reason(value)
    if reason:
        raise Open311Error.bad_field(name, reason)
    if limit is not None and len(value) > limit:
        raise Open311Error.bad_field(
            name, _("At most %(limit)d characters, please.") % {"limit": limit}
        )
    return value


def _instant(params: Params, name: str) -> datetime | None:
    """An ISO 8601 date-time (a bare date is its local midnight); None when not given."""
    raw = _text(params, name).strip()
    if not raw:
        return None
    try:
        value = parse_datetime(raw.replace(" ", "T", 1))
        if value is None:
            day = parse_date(raw)
            value = datetime(day.year, day.month, day.day) if day else None
    except ValueError:  # well-formed but impossible, e.g. 2026-02-30
        value = None
    if value is None:
        raise Open311Error.bad_field(
            name, _("Must be a date and time in ISO 8601, e.g. 2026-05-01T00:00:00Z.")
        )
    if not MIN_YEAR <= value.year <= MAX_YEAR:  # so that ±90 days and any offset stay dates
        raise Open311Error.bad_field(
            name,
            _("Must be between the years %(min)d and %(max)d.")
            % {"min": MIN_YEAR, "max": MAX_YEAR},
        )
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_UTC_OFFSET:  # PostgreSQL would fail (a 500)
        raise Open311Error.bad_field(
            name, _("The time zone offset must be between -15:59 and +15:59.")
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def request_query(params: Params) -> RequestQuery:
    """GET requests' filters, with the standard's defaults: the last 90 days, both statuses.

    ``service_request_id`` (comma-separated) overrides every other filter. A window
    given by one end extends 90 days from it; one wider than 90 days is refused.
    """
    ids = _text(params, "service_request_id")
    if ids.strip():
        references = [i.strip() for i in ids.split(",") if i.strip()]
        return RequestQuery(references=references[:MAX_REQUESTS])
    codes = [c.strip() for c in _text(params, "service_code").split(",") if c.strip()]
    start, end = _instant(params, "start_date"), _instant(params, "end_date")
    window = timedelta(days=DEFAULT_DAYS)
    if start is None and end is None:
        start = timezone.now() - window
    elif start is None:
        assert end is not None
        start = end - window
    elif end is None:
        end = start + window
    elif end < start:
        raise Open311Error.bad_field("end_date", _("Must not be before start_date."))
    elif end - start > window:
        raise Open311Error.bad_field(
            "end_date",
            _("The window from start_date to end_date may span at most %(days)d days.")
            % {"days": DEFAULT_DAYS},
        )
    return RequestQuery(service_codes=codes or None, start=start, end=end, open=_status(params))


def _status(params: Params) -> bool | None:
    """``open``, ``closed`` or both (comma-separated, or the parameter repeated)."""
    wanted: set[str] = set()
    for value in params.getlist("status"):
        if not isinstance(value, str) or unstorable_reason(value):
            raise Open311Error.bad_field("status", _("Must be open or closed."))
        wanted.update(v.strip().lower() for v in value.split(",") if v.strip())
    unknown = wanted - {"open", "closed"}
    if unknown:
        raise Open311Error.bad_field(
            "status",
            _("Must be open or closed, not %(value)s.") % {"value": ", ".join(sorted(unknown))},
        )
    if len(wanted) == 1:
        return wanted == {"open"}
    return None


@dataclass
class NewRequest:
    """A POST's fields, checked; the location is either a point or an address to look up."""

    category: Category
    point: Point | None
    address_string: str
    attributes: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    reporter_name: str = ""
    email: str = ""
    phone: str = ""
    media_url: str = ""
    location_source: str = LocationSource.PIN


def new_request(params: Params) -> NewRequest:
    """Check a POST's fields. Unknown fields (``device_id``, ``account_id``...) are ignored."""
    code = _text(params, "service_code").strip()
    if not code:
        raise Open311Error.bad_field("service_code", _("This field is required."))
    category = active_category(code)  # with its questions: one query
    if category is None:
        raise Open311Error.bad_field(
            "service_code", _("There is no service %(code)s.") % {"code": code}
        )
    address_string = _text(params, "address_string", limit=ADDRESS_MAX).strip()
    point = _point(params)
    if point is None and not address_string:
        raise Open311Error.bad_field(
            "lat", _("Give the location: lat and long, or address_string.")
        )
    first = _text(params, "first_name").strip()
    last = _text(params, "last_name").strip()
    name = " ".join(part for part in (first, last) if part)
    if len(name) > NAME_MAX:
        raise Open311Error.bad_field(
            "last_name", _("The name is at most %(limit)d characters.") % {"limit": NAME_MAX}
        )
    return NewRequest(
        category=category,
        point=point,
        address_string=address_string,
        attributes=_attributes(params),
        description=_text(params, "description", limit=DESCRIPTION_MAX_LENGTH).strip(),
        reporter_name=name,
        email=_checked(params, "email", EmailValidator(), 254),
        phone=_checked(params, "phone", phone_validator, 30),
        media_url=_checked(
            params, "media_url", URLValidator(schemes=["http", "https"]), MEDIA_URL_MAX
        ),
        location_source=LocationSource.PIN if point is not None else LocationSource.ADDRESS,
    )


def _checked(params: Params, name: str, validator: Any, limit: int) -> str:
    value = _text(params, name, limit=limit).strip()
    if value:
        try:
            validator(value)
        except ValidationError as exc:
            raise Open311Error.bad_field(name, " ".join(str(m) for m in exc.messages)) from None
    return value


def _coordinate(params: Params, name: str, bound: int) -> float | None:
    raw = _text(params, name).strip()
    if not raw:
        return None
    try:
        value = finite_number(raw)
    except (NotANumber, ValueError):
        raise Open311Error.bad_field(name, _("Must be a number in degrees (WGS84).")) from None
    if not -bound <= value <= bound or math.isnan(value):
        raise Open311Error.bad_field(
            name, _("Must be between -%(bound)d and %(bound)d.") % {"bound": bound}
        )
    return value


def _point(params: Params) -> Point | None:
    """lat and long (WGS84, degrees) as an EPSG:4326 point; both or neither."""
    lat = _coordinate(params, "lat", 90)
    lon = _coordinate(params, "long", 180)
    if lat is None and lon is None:
        return None
    if lat is None:
        raise Open311Error.bad_field("lat", _("Give lat with long."))
    if lon is None:
        raise Open311Error.bad_field("long", _("Give long with lat."))
    return Point(lon, lat, srid=WGS84)


def _attributes(params: Params) -> dict[str, Any]:
    """``attribute[code]=value`` and, for lists of several, ``attribute[code][]=key`` repeated."""
    answers: dict[str, Any] = {}
    for name in params:
        match = ATTRIBUTE.match(name)
        if match is None:
            continue
        code, many = match.group(1), match.group(2) is not None
        values = params.getlist(name)
        for value in values:
            if not isinstance(value, str):
                raise Open311Error.bad_field(name, _("Must be text."))
            reason = unstorable_reason(value) or unstorable_reason(code)
            if reason:
                raise Open311Error.bad_field(name, reason)
        if many or len(values) > 1:
            previous = answers.get(code, [])
            answers[code] = [*(previous if isinstance(previous, list) else [previous]), *values]
        else:
            answers.setdefault(code, values[-1] if values else "")
    return answers
