"""Rate limits per client (mapa/limits/throttling.py): each scope answers its first requests
and refuses the next with a 429, ``Retry-After`` and the endpoint's own error shape, on
Redis and on the PostgreSQL table alike."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from mapa.limits.throttling import too_many_requests
from mapa.reports.models import Report
from mapa.sms.signatures import sign
from mapa.staff.services import api_token_for, staff_account_save
from tests.conftest import NEPTUNE_FOUNTAIN
from tests.limits.conftest import HOUR_LEFT, rates

pytestmark = pytest.mark.django_db

RESIDENT = "192.0.2.10"
NEIGHBOUR = "198.51.100.7"
PASSWORD = "correct-horse-battery"
SMS_SECRET = "inbound-secret-" + "s" * 32


def report_body(description: str = "Dziura w jezdni") -> dict[str, Any]:
    return {
        "category": "pothole",
        "location": {"type": "Point", "coordinates": list(NEPTUNE_FOUNTAIN)},
        "description": description,
    }


def file_report(client: APIClient, address: str = RESIDENT, **headers: str) -> Any:
    return client.post(
        "/api/reports/", report_body(), format="json", REMOTE_ADDR=address, **headers
    )


def assert_refused_as_json(response: Any, wait: int = HOUR_LEFT) -> None:
    assert response.status_code == 429, response.content
    assert response["Retry-After"] == str(wait)
    assert response["Content-Type"].startswith("application/json")
    with translation.override("pl"):
        assert response.json() == {"detail": too_many_requests(wait)}


@pytest.fixture(autouse=True)
def store(limits_store, frozen_clock):
    """Every test here runs on Redis and on the table, at a known instant."""
    return limits_store


def test_report_creation_accepts_the_limit_then_refuses_with_429_and_retry_after(settings):
    rates(settings, reports=(2, 3600))
    api = APIClient()
    assert [file_report(api).status_code for _ in range(2)] == [201, 201]
    assert_refused_as_json(file_report(api))
    assert Report.objects.count() == 2  # the refused one was not filed
    assert file_report(api, address=NEIGHBOUR).status_code == 201  # another client's count
    assert api.get("/api/reports/", REMOTE_ADDR=RESIDENT).status_code == 200  # reads are free


def test_an_ipv6_client_is_counted_by_its_64_and_behind_a_proxy_by_the_forwarded_address(
    settings,
):
    rates(settings, reports=(1, 3600))
    api = APIClient()
    assert file_report(api, address="2001:db8:1:2::1").status_code == 201
    assert_refused_as_json(file_report(api, address="2001:db8:1:2:ffff::9"))
    assert file_report(api, address="2001:db8:1:3::1").status_code == 201
    settings.MAPA_TRUSTED_PROXIES = 1
    proxy = "10.0.0.1"
    assert file_report(api, address=proxy, HTTP_X_FORWARDED_FOR=RESIDENT).status_code == 201
    # The same proxy, another resident: counted apart; a forged entry changes nothing.
    assert file_report(api, address=proxy, HTTP_X_FORWARDED_FOR=NEIGHBOUR).status_code == 201
    forged = f"{NEIGHBOUR}, {RESIDENT}"
    assert_refused_as_json(file_report(api, address=proxy, HTTP_X_FORWARDED_FOR=forged))


def test_refusals_are_in_the_requests_language(settings):
    rates(settings, reports=(1, 3600))
    api = APIClient()
    file_report(api)
    refused = file_report(api, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429
    assert refused.json() == {
        "detail": "Too many requests from your connection; please try again in 50 minutes."
    }


def test_photo_uploads_are_limited(settings):
    rates(settings, photos=(1, 3600))
    api = APIClient()
    assert api.post("/api/photos/", {}, REMOTE_ADDR=RESIDENT).status_code == 400  # counted
    assert_refused_as_json(api.post("/api/photos/", {}, REMOTE_ADDR=RESIDENT))


def test_a_consultants_token_counts_under_the_staff_rate_not_the_residents_address(settings):
    rates(settings, reports=(1, 3600), staff=(3, 3600))
    consultant = staff_account_save(username="ola", role="consultant", password=PASSWORD)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(username=consultant.username)}")
    assert [file_report(api).status_code for _ in range(3)] == [201, 201, 201]
    assert_refused_as_json(file_report(api))
    # The resident at the contact centre's address has a count of their own.
    assert file_report(APIClient()).status_code == 201


def test_the_open311_post_is_refused_in_open311s_own_shape(settings):
    rates(settings, open311=(1, 3600))
    client = Client()
    url = "/open311/v2/requests.json"
    form = "application/x-www-form-urlencoded"
    assert client.post(url, "", content_type=form, REMOTE_ADDR=RESIDENT).status_code == 403
    refused = client.post(url, "", content_type=form, REMOTE_ADDR=RESIDENT)
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(HOUR_LEFT)
    with translation.override("pl"):
        assert refused.json() == [{"code": 429, "description": too_many_requests(HOUR_LEFT)}]
    assert client.get(url, REMOTE_ADDR=RESIDENT).status_code == 200  # reading is not limited


def test_follows_through_the_api_are_limited(settings):
    rates(settings, subscriptions=(1, 3600))
    api = APIClient()
    body = {"reference": "GD-2026-999999", "email": "ktos@example.org"}
    assert (
        api.post("/api/alerts/follows/", body, format="json", REMOTE_ADDR=RESIDENT).status_code
        == 400
    )
    assert_refused_as_json(
        api.post("/api/alerts/follows/", body, format="json", REMOTE_ADDR=RESIDENT)
    )


def test_the_area_alert_page_and_the_follow_form_share_the_limit_and_answer_a_page(
    settings, make_report
):
    rates(settings, subscriptions=(1, 3600))
    report = make_report()
    client = Client()
    assert client.post("/alerts/", {}, REMOTE_ADDR=RESIDENT).status_code == 400
    refused = client.post("/alerts/", {"email": "ktos@example.org"}, REMOTE_ADDR=RESIDENT)
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(HOUR_LEFT)
    assert refused["Content-Type"].startswith("text/html")
    with translation.override("pl"):
        message = too_many_requests(HOUR_LEFT)
    page = refused.content.decode()
    assert message in page
    assert 'value="ktos@example.org"' in page  # what they typed is kept
    follow = client.post(
        f"/alerts/follow/{report.reference}/", {"email": "ktos@example.org"}, REMOTE_ADDR=RESIDENT
    )
    assert follow.status_code == 429
    assert message in follow.content.decode()


def test_the_residents_no_js_form_is_refused_with_a_page_and_its_fields_kept(settings):
    rates(settings, reports=(1, 3600))
    client = Client()
    assert client.post("/report/", {}, REMOTE_ADDR=RESIDENT).status_code == 400  # counted
    refused = client.post(
        "/report/", {"description": "Dziura na Długim Targu"}, REMOTE_ADDR=RESIDENT
    )
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(HOUR_LEFT)
    page = refused.content.decode()
    with translation.override("pl"):
        assert too_many_requests(HOUR_LEFT) in page
    assert "Dziura na Długim Targu" in page
    assert not Report.objects.exists()
    # The API and the form count together.
    assert_refused_as_json(file_report(APIClient()))


def signed_text(client: Client, sender: str, message_id: str) -> Any:
    body = json.dumps(
        {"from": sender, "text": "Drzewo na drodze", "message_id": message_id}
    ).encode()
    return client.post(
        "/api/sms/inbound/",
        body,
        content_type="application/json",
        REMOTE_ADDR="203.0.113.5",
        HTTP_MAPA_SIGNATURE=sign(SMS_SECRET, int(time.time()), body),
    )


def test_the_sms_webhook_is_limited_per_gateway_address_and_per_sender(settings):
    settings.MAPA_SMS_INBOUND_SECRET = SMS_SECRET
    rates(settings, sms_inbound=(3, 3600), sms_sender=(1, 3600))
    client = Client()
    assert signed_text(client, "48501234567", "m-1").status_code == 201
    assert_refused_as_json(signed_text(client, "48501234567", "m-2"))  # that sender's limit
    assert signed_text(client, "48601234567", "m-3").status_code == 201  # another sender
    assert_refused_as_json(signed_text(client, "48701234567", "m-4"))  # the address's limit


def test_unsigned_calls_to_the_sms_webhook_count_against_the_address(settings):
    rates(settings, sms_inbound=(1, 3600))
    client = Client()
    url = "/api/sms/inbound/"
    assert client.post(url, {}, REMOTE_ADDR=RESIDENT).status_code == 403
    assert_refused_as_json(client.post(url, {}, REMOTE_ADDR=RESIDENT))


def test_the_log_in_throttle_counts_in_the_same_store(settings, store):
    staff_account_save(username="ola", role="consultant", password=PASSWORD)
    client = Client()
    for _ in range(5):
        client.post("/staff/login/", {"username": "ola", "password": "wrong"}, REMOTE_ADDR=RESIDENT)
    refused = client.post(
        "/staff/login/", {"username": "ola", "password": PASSWORD}, REMOTE_ADDR=RESIDENT
    )
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    locks = [k for k in _keys(store) if "locked" in k]
    assert locks, "the lock is kept in CACHES['limits']"


def _keys(store: Any) -> list[str]:
    """The store's keys under its prefix (Redis: SCAN; the table: SELECT)."""
    from django.db import connection

    prefix = f"{store.key_prefix}:"
    if hasattr(store, "_cache"):  # RedisCache
        client = store._cache.get_client()
        return [k.decode() for k in client.scan_iter(match=f"{prefix}*")]
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM limits_entry WHERE starts_with(key, %s)", [prefix])
        return [row[0] for row in cursor.fetchall()]


def test_a_rate_can_be_lifted(settings):
    rates(settings, reports=None)
    api = APIClient()
    assert all(file_report(api).status_code == 201 for _ in range(3))


def test_an_account_that_is_not_logged_in_is_counted_by_address(settings):
    rates(settings, reports=(1, 3600), staff=(100, 3600))
    User.objects.create_user("x", password=PASSWORD)  # exists, but this client did not log in
    api = APIClient()
    assert file_report(api).status_code == 201
    assert_refused_as_json(file_report(api))


def test_when_redis_does_not_answer_requests_go_through_uncounted(settings, caplog):
    rates(settings, reports=(1, 3600))
    settings.CACHES = {
        **settings.CACHES,
        "limits": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/9",  # nothing listens there
        },
    }
    api = APIClient()
    assert [file_report(api).status_code for _ in range(2)] == [201, 201]
    assert "did not answer; a reports request was not counted" in caplog.text


def test_when_redis_does_not_answer_staff_still_log_in_and_a_wrong_password_is_a_form_error(
    settings, caplog
):
    staff_account_save(username="ola", role="consultant", password=PASSWORD)
    settings.CACHES = {
        **settings.CACHES,
        "limits": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/9",  # nothing listens there
        },
    }
    client = Client()
    wrong = client.post("/staff/login/", {"username": "ola", "password": "wrong"})
    assert wrong.status_code == 200  # the form again, not a 500
    right = client.post("/staff/login/", {"username": "ola", "password": PASSWORD})
    assert right.status_code == 302
    assert "did not answer; a log-in was not checked" in caplog.text


def test_an_open311_api_key_counts_under_the_staff_rate_and_a_wrong_one_by_address(settings):
    rates(settings, open311=(1, 3600), staff=(2, 3600))
    consultant = staff_account_save(username="ola", role="consultant", password=PASSWORD)
    key = api_token_for(username=consultant.username)
    client = Client()
    url = "/open311/v2/requests.json"

    def file(api_key: str) -> Any:
        body = urlencode(
            {
                "api_key": api_key,
                "service_code": "pothole",
                "lat": NEPTUNE_FOUNTAIN[1],
                "long": NEPTUNE_FOUNTAIN[0],
                "description": "Dziura w jezdni",
            }
        )
        form = "application/x-www-form-urlencoded"
        return client.post(url, body, content_type=form, REMOTE_ADDR=RESIDENT)

    assert [file(key).status_code for _ in range(2)] == [200, 200]
    assert file(key).status_code == 429  # the account's own count
    assert file("wrong-key").status_code == 403
    refused = file("another-wrong-key")
    assert refused.status_code == 429  # the address's count: keys cannot be guessed freely
    assert refused["Retry-After"] == str(HOUR_LEFT)
