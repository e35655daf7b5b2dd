"""The pages without JavaScript: the area alert form, the report page's "me too" form,
the confirmation page; bad input is a 400 naming the field, in the page's language,
with nothing saved (mapa/alerts/views.py, forms.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from mapa.alerts.models import AreaAlert, Follow, Frequency
from mapa.alerts.tokens import confirm_token
from mapa.notifications.models import Notification
from mapa.reports.casework import report_change_status
from tests.conftest import NEPTUNE_FOUNTAIN

pytestmark = pytest.mark.django_db

SUBSCRIBER = "mieszkanka@example.com"


def client(language: str = "pl") -> Client:
    """A visitor whose page language is ``language`` (the site's switch, a cookie)."""
    visitor = Client()
    if language != "pl":
        visitor.post("/i18n/setlang/", {"language": language, "next": "/"})
    return visitor


def subscribe(language="pl", **fields):
    data = {
        "email": SUBSCRIBER,
        "kinds": ["new"],
        "area": "districts",
        "districts": ["srodmiescie"],
        "frequency": "immediate",
        **fields,
    }
    return client(language).post("/alerts/", data)


def test_the_page_offers_districts_categories_a_point_and_how_often():
    page = client("en").get("/alerts/").content.decode()
    for name in ("kinds", "area", "districts", "lat", "lon", "radius", "categories", "frequency"):
        assert f'name="{name}"' in page
    assert 'value="srodmiescie"' in page
    assert 'value="pothole"' in page
    assert "Area alerts by e-mail" in page
    # Linked from every page's navigation.
    assert 'href="/alerts/"' in Client().get("/").content.decode()


def test_districts_and_categories_make_an_unconfirmed_alert_and_one_confirmation():
    answer = subscribe(categories=["pothole", "street-light"], frequency="daily", language="en")
    assert answer.status_code == 302
    assert answer["Location"] == "/alerts/sent/"
    alert = AreaAlert.objects.get()
    assert (alert.email, alert.language, alert.frequency) == (SUBSCRIBER, "en", Frequency.DAILY)
    assert [d.slug for d in alert.districts.all()] == ["srodmiescie"]
    assert sorted(c.code for c in alert.categories.all()) == ["pothole", "street-light"]
    assert alert.confirmed_at is None
    assert alert.point is None
    [confirmation] = Notification.objects.filter(recipient=SUBSCRIBER)
    assert confirmation.event == "alert_confirm"
    assert Client().get("/alerts/sent/").status_code == 200


def test_a_point_and_radius_are_stored_in_wgs84():
    answer = subscribe(
        area="circle", lon=str(NEPTUNE_FOUNTAIN[0]), lat=str(NEPTUNE_FOUNTAIN[1]), radius="1000"
    )
    assert answer.status_code == 302
    alert = AreaAlert.objects.get()
    assert alert.point.srid == 4326
    assert (round(alert.point.x, 4), round(alert.point.y, 4)) == NEPTUNE_FOUNTAIN
    assert alert.radius_m == 1000
    assert not alert.districts.exists()


@pytest.mark.parametrize(
    ("fields", "field", "polish"),
    [
        ({"email": "nie-adres"}, "email", "To nie jest adres e-mail."),
        ({"kinds": []}, "kinds", "Wybierz nowe zgłoszenia, załatwione zgłoszenia albo oba."),
        ({"districts": []}, "districts", "Wybierz co najmniej jedną dzielnicę"),
        ({"area": "circle", "lon": "18.65", "lat": "sto"}, "lat", "szerokość"),
        ({"area": "circle", "lon": "18.65", "lat": "54.35", "radius": "7"}, "radius", "7"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_in_polish_and_nothing_is_saved(fields, field, polish):
    answer = subscribe(**fields)
    assert answer.status_code == 400
    page = answer.content.decode()
    assert f'id="id_{field}-error">' in page
    error = page.split(f'id="id_{field}-error">', 1)[1].split("</p>", 1)[0]
    assert polish.lower() in error.lower()
    assert not AreaAlert.objects.exists()
    assert not Notification.objects.exists()


def test_the_errors_are_in_english_on_the_english_page():
    answer = subscribe(language="en", email="not-an-address")
    assert answer.status_code == 400
    assert "This is not an e-mail address." in answer.content.decode()


# ---------------------------------------------------------------- the report page


def test_the_report_page_has_a_plain_follow_form_that_works_without_javascript(make_report):
    report = make_report()
    page = Client().get(f"/r/{report.reference}/").content.decode()
    assert f'action="/alerts/follow/{report.reference}/"' in page
    assert 'name="email"' in page
    answer = Client().post(f"/alerts/follow/{report.reference}/", {"email": SUBSCRIBER})
    assert answer.status_code == 302
    follow = Follow.objects.get()
    assert (follow.report, follow.email, follow.confirmed_at) == (report, SUBSCRIBER, None)
    # The count is public (a number only) and counts confirmed followers.
    assert "obserwuje to zgłoszenie" not in Client().get(f"/r/{report.reference}/").content.decode()
    token = confirm_token("follow", follow.pk)
    assert Client().post(f"/alerts/confirm/{token}/").status_code == 200
    page = Client().get(f"/r/{report.reference}/").content.decode()
    assert "1 osoba obserwuje to zgłoszenie." in page
    assert SUBSCRIBER not in page


def test_a_closed_report_refuses_a_follow_clearly(make_report):
    report = make_report()
    report_change_status(report=report, status="resolved", public_note="Naprawione.")
    page = Client().get(f"/r/{report.reference}/").content.decode()
    assert "To zgłoszenie jest zamknięte" in page
    answer = Client().post(f"/alerts/follow/{report.reference}/", {"email": SUBSCRIBER})
    assert answer.status_code == 400
    assert "To zgłoszenie jest zamknięte" in answer.content.decode()
    assert not Follow.objects.exists()


def test_a_bad_address_on_the_follow_form_is_a_400(make_report):
    report = make_report()
    answer = client("en").post(f"/alerts/follow/{report.reference}/", {"email": "x"})
    assert answer.status_code == 400
    assert "This is not an e-mail address." in answer.content.decode()
    assert not Follow.objects.exists()


# ---------------------------------------------------------------- confirmation


def test_opening_the_link_confirms_nothing_until_the_button(make_report):
    report = make_report()
    Client().post(f"/alerts/follow/{report.reference}/", {"email": SUBSCRIBER})
    follow = Follow.objects.get()
    path = f"/alerts/confirm/{confirm_token('follow', follow.pk)}/"
    page = Client().get(path)
    assert page.status_code == 200
    assert report.reference in page.content.decode()
    follow.refresh_from_db()
    assert follow.confirmed_at is None  # a mail scanner's GET does nothing
    assert Client().post(path).status_code == 200
    follow.refresh_from_db()
    assert follow.is_active


def test_an_expired_link_says_so(make_report, settings, monkeypatch):
    report = make_report()
    Client().post(f"/alerts/follow/{report.reference}/", {"email": SUBSCRIBER})
    token = confirm_token("follow", Follow.objects.get().pk)
    monkeypatch.setattr("mapa.alerts.tokens.CONFIRM_DAYS", -1)
    answer = Client().post(f"/alerts/confirm/{token}/")
    assert answer.status_code == 410
    assert "wygasł" in answer.content.decode()
    assert Follow.objects.get().confirmed_at is None
