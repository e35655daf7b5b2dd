"""The resident pages without a browser (mapa/web/views.py): what they render, and the
form's no-JavaScript path."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mapa.districts.models import District
from mapa.reports.models import LocationSource, Report
from tests.conftest import NEPTUNE_FOUNTAIN, SOPOT_PIER

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "category": "pothole",
        "description": "Dziura przy fontannie",
        "lon": str(NEPTUNE_FOUNTAIN[0]),
        "lat": str(NEPTUNE_FOUNTAIN[1]),
        "location_source": "pin",
        "district": "",
        "address": "Długi Targ",
        "name": "",
        "email": "",
        "phone": "",
    }
    data.update(overrides)
    return data


class TestMapPage:
    def test_renders_the_form_with_categories_and_districts(self, client):
        response = client.get("/")
        assert response.status_code == 200
        html = response.content.decode()
        assert 'lang="pl"' in html
        assert "Mapa Porządku" in html
        assert 'value="pothole"' in html
        assert "Dziura w jezdni lub uszkodzona droga" in html  # category names from the data
        assert '<option value="srodmiescie">Śródmieście</option>' in html
        assert 'action="/report/"' in html
        assert 'enctype="multipart/form-data"' in html
        assert 'id="mapa-categories"' in html
        assert 'id="mapa-districts"' in html
        assert 'data-tile-url="' in html

    def test_english_category_names_when_english_is_chosen(self, client):
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        html = client.get("/").content.decode()
        assert 'lang="en"' in html
        assert "Pothole or road damage" in html

    def test_every_field_has_a_label_and_an_error_slot(self, client):
        html = client.get("/").content.decode()
        for name in ("description", "district", "address", "name", "email", "phone", "photo"):
            assert f'<label for="id_{name}">' in html, name
            assert f'id="id_{name}-error"' in html, name
            assert re.search(rf'aria-describedby="[^"]*id_{name}-error', html), name

    def test_the_category_questions_are_in_the_form(self, client):
        html = client.get("/").content.decode()
        assert 'data-category-fields="stray-animal"' in html
        assert 'name="attr__stray-animal__animal"' in html
        assert 'data-question-required="true"' in html

    def test_the_javascript_catalogue_is_served(self, client):
        response = client.get("/jsi18n/")
        assert response.status_code == 200
        assert b"gettext" in response.content


class TestNoJavaScriptForm:
    def test_a_pin_files_the_report_and_shows_its_page(self, client):
        response = client.post("/report/", form_data())
        assert response.status_code == 302
        report = Report.objects.get()
        assert response["Location"] == f"/r/{report.reference}/?sent=1"
        assert report.location_source == LocationSource.PIN
        assert report.address == "Długi Targ"
        page = client.get(response["Location"]).content.decode()
        assert report.reference in page
        assert "Thank you" in page or "Dziękujemy" in page

    def test_a_district_alone_gives_a_point_inside_it(self, client):
        response = client.post(
            "/report/", form_data(lon="", lat="", location_source="", district="oliwa")
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        report = Report.objects.get()
        assert report.location_source == LocationSource.DISTRICT
        assert report.district is not None
        assert report.district.slug == "oliwa"
        assert District.objects.get(slug="oliwa").geometry.covers(report.location)

    def test_no_place_at_all_is_refused_and_keeps_what_was_typed(self, client):
        response = client.post("/report/", form_data(lon="", lat="", description="Ślad opon"))
        assert response.status_code == 400
        html = response.content.decode()
        assert "Wskaż miejsce: wstaw pinezkę na mapie" in html
        assert "Ślad opon" in html
        assert not Report.objects.exists()

    def test_sopot_is_refused_with_the_api_message_and_nothing_is_lost(self, client):
        lon, lat = SOPOT_PIER
        response = client.post(
            "/report/", form_data(lon=str(lon), lat=str(lat), description="Przewrócony kosz")
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "Sopot" in html
        assert "Przewrócony kosz" in html
        assert not Report.objects.exists()

    def test_a_required_category_question_is_asked_for(self, client):
        response = client.post("/report/", form_data(category="stray-animal"))
        assert response.status_code == 400
        html = response.content.decode()
        assert 'id="id_attr__stray-animal__animal-error">' in html
        assert not Report.objects.exists()
        response = client.post(
            "/report/", form_data(category="stray-animal", **{"attr__stray-animal__animal": "dog"})
        )
        assert response.status_code == 302
        assert Report.objects.get().attributes == {"animal": "dog"}

    def test_a_photo_is_stored_without_its_metadata(self, client):
        buffer = io.BytesIO()
        image = Image.new("RGB", (64, 48), "red")
        exif = Image.Exif()
        exif[0x010F] = "Camera maker that should vanish"
        image.save(buffer, "JPEG", exif=exif.tobytes())
        upload = SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")
        response = client.post("/report/", {**form_data(), "photo": upload})
        assert response.status_code == 302
        photo = Report.objects.get().photos.get()
        with photo.image.open("rb") as stored:
            assert not Image.open(stored).getexif()

    def test_a_file_that_is_not_a_picture_is_refused(self, client):
        upload = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
        response = client.post("/report/", {**form_data(), "photo": upload})
        assert response.status_code == 400
        assert 'id="id_photo-error">' in response.content.decode()
        assert not Report.objects.exists()


class TestReportPage:
    def test_shows_the_public_facts_and_nothing_private(self, client, make_report):
        report = make_report(
            description="Zapadnięta studzienka",
            reporter_name="Jan Kowalski",
            reporter_email="jan@example.org",
            reporter_phone="+48 600 100 200",
        )
        html = client.get(f"/r/{report.reference}/").content.decode()
        assert report.reference in html
        assert "Zapadnięta studzienka" in html
        assert report.unit.name in html
        assert 'id="report-map"' in html
        for private in ("Jan Kowalski", "jan@example.org", "600 100 200"):
            assert private not in html

    def test_user_text_is_escaped(self, client, make_report):
        report = make_report(description="<img src=x onerror=alert(1)>")
        html = client.get(f"/r/{report.reference}/").content.decode()
        assert "<img src=x" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html

    def test_private_answers_are_not_shown(self, client, make_report):
        report = make_report(code="abandoned-vehicle", attributes={"plate": "GD 12345"})
        html = client.get(f"/r/{report.reference}/").content.decode()
        assert "GD 12345" not in html

    def test_unknown_reference_is_404(self, client):
        assert client.get("/r/GD-1999-000000/").status_code == 404

    def test_timeline_lists_the_registration(self, client, make_report):
        report = make_report()
        html = client.get(f"/r/{report.reference}/").content.decode()
        assert 'class="timeline-item timeline-item--created"' in html

    def test_location_is_the_reports(self, client, make_report):
        report = make_report()
        html = client.get(f"/r/{report.reference}/").content.decode()
        point = Point(NEPTUNE_FOUNTAIN, srid=4326)
        assert f'data-lon="{point.x:.7f}"' in html
