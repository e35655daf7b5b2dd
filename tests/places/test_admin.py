"""The places admin (mapa/places/admin.py, services.py): edits keep search and district right."""

from __future__ import annotations

import pytest

from mapa.places.models import Place
from mapa.places.selectors import places_matching

pytestmark = pytest.mark.usefixtures("places")


def test_the_list_and_the_map_form_render(admin_client):
    assert admin_client.get("/admin/places/place/?q=piwna").status_code == 200
    piwna = Place.objects.get(street="Piwna")
    page = admin_client.get(f"/admin/places/place/{piwna.pk}/change/")
    assert page.status_code == 200
    assert b"vendor/ol/ol.js" in page.content  # OpenLayers from Mapa's static files


def test_an_edit_recomputes_label_search_and_district(admin_client, address_features):
    piwna = Place.objects.get(street="Piwna")
    # Move it to the point the address file gives for Klub Żak (Wrzeszcz Górny).
    lon, lat = address_features[2]["geometry"]["coordinates"]
    response = admin_client.post(
        f"/admin/places/place/{piwna.pk}/change/",
        {
            "dataset": piwna.dataset,
            "external_id": piwna.external_id,
            "kind": piwna.kind,
            "name": "Gdańska Galeria Miejska 1",
            "street": "Piwna",
            "housenumber": "29",
            "postcode": "80-831",
            # The map widget works in EPSG:3857 unless the value names its SRID.
            "location": f"SRID=4326;POINT ({lon} {lat})",
            "source": piwna.source,
        },
    )
    assert response.status_code == 302, response.content
    piwna.refresh_from_db()
    assert piwna.label == "Piwna 29 — Gdańska Galeria Miejska 1"
    assert piwna.search == "| piwna 29 | gdanska galeria miejska 1 | 80 831 "
    assert piwna.district is not None
    assert piwna.district.slug == "wrzeszcz-gorny"
    assert [p.pk for p in places_matching("80-831")] == [piwna.pk]
