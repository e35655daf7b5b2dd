"""Filing an Open311 service request: a report, routed exactly as the REST API routes it.

``request_file`` looks up ``address_string`` when no lat/long is given (the
place search of ``mapa.places``), then calls ``mapa.reports.services.report_create``:
the same routing, in the same transaction, with the same refusals, which come
back as 400s naming the Open311 field (``lat``, ``address_string``,
``attribute[code]``). The report's channel is ``web`` (an application on the
internet); ``registered_by`` names the api_key's account, which tells Open311
reports apart.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from mapa.catalogue.attributes import AttributeErrors
from mapa.districts.locating import OutsideServiceArea
from mapa.open311.errors import Open311Error, flatten
from mapa.open311.inputs import NewRequest
from mapa.places.selectors import places_matching
from mapa.reports.models import Channel, Report
from mapa.reports.services import report_create


def request_file(*, request: NewRequest, account: User) -> Report:
    """Store and route ``request`` for the api_key's ``account``; raise ``Open311Error`` (400)."""
    point, address = request.point, request.address_string
    location_field = "lat"
    if point is None:
        location_field = "address_string"
        place = places_matching(address, limit=1).first()
        if place is None:
            raise Open311Error.bad_field(
                "address_string",
                _("No address or place in the city matches “%(address)s”.") % {"address": address},
            )
        point = place.location
        address = place.label
    try:
        return report_create(
            category=request.category,
            location=point,
            description=request.description,
            address=address,
            attributes=request.attributes,
            channel=Channel.WEB,
            reporter_name=request.reporter_name,
            reporter_email=request.email,
            reporter_phone=request.phone,
            location_source=request.location_source,
            actor=account,
            registered_by=account,
            media_url=request.media_url,
        )
    except OutsideServiceArea as exc:
        raise Open311Error.bad_field(location_field, exc.message) from None
    except AttributeErrors as exc:
        raise Open311Error(400, *flatten({"attribute": exc.errors})) from None
