"""Services that change single places (bulk changes go through ``importing``)."""

from __future__ import annotations

from django.db import connection, transaction

from mapa.districts.locating import district_at_sql
from mapa.places.models import Place
from mapa.places.text import place_label, search_text

ASSIGN_DISTRICT_SQL = f"""
UPDATE places_place p
SET district_id = {district_at_sql("p.location")}
WHERE p.id = %s
"""


def place_save(*, place: Place) -> Place:
    """Save an edited place with its label, search text and district recomputed.

    The district is decided by PostGIS with the border rule of
    ``mapa.districts.locating``; a point
    outside every served city keeps no district.
    """
    place.label = place_label(street=place.street, housenumber=place.housenumber, name=place.name)
    place.search = search_text(
        street=place.street,
        housenumber=place.housenumber,
        name=place.name,
        postcode=place.postcode,
    )
    with transaction.atomic():
        place.save()
        with connection.cursor() as cursor:
            cursor.execute(ASSIGN_DISTRICT_SQL, [place.pk])
    place.refresh_from_db(fields=["district"])
    return place
