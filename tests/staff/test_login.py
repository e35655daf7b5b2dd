"""Log-in for city staff and for the admin, and its throttle (mapa/staff/throttle.py)."""

from __future__ import annotations

import time

import pytest
from django.test import Client, override_settings
from django.utils import translation

from mapa.staff import throttle
from mapa.staff.forms import too_many_failures
from tests.staff.conftest import PASSWORD

pytestmark = pytest.mark.django_db

STAFF_LOGIN = "/staff/login/"
ADMIN_LOGIN = "/admin/login/"


def log_in(client: Client, url: str, username: str, password: str, address: str = "192.0.2.10"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def consultant(staff_account):
    return staff_account("ola", "consultant")


@pytest.fixture
def administrator(staff_account):
    return staff_account("szefowa", "admin")


def test_the_log_in_page_is_polish_labelled_and_fills_in_from_a_password_manager(client):
    page = client.get(STAFF_LOGIN)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="pl">' in html
    assert "Logowanie dla pracowników miasta" in html
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert 'aria-describedby="id_username-error"' in html


def test_a_right_password_logs_in_and_goes_to_the_staff_pages(client, consultant):
    response = log_in(client, STAFF_LOGIN, "ola", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert is_logged_in(client)


def test_a_wrong_password_is_summarised_at_the_top_of_the_form(client, consultant):
    response = log_in(client, STAFF_LOGIN, "ola", "wrong-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary" role="alert"' in html
    assert "Wprowadź poprawne wartości pól" in html
    assert not is_logged_in(client)


@pytest.mark.parametrize(("url", "who"), [(STAFF_LOGIN, "ola"), (ADMIN_LOGIN, "szefowa")])
def test_five_failures_lock_the_username_even_for_the_right_password(
    client, consultant, administrator, url, who
):
    for _ in range(throttle.FAILURES_PER_USERNAME):
        assert log_in(client, url, who, "wrong-password").status_code == 200
    refused = log_in(client, url, who, PASSWORD)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == throttle.LOCKOUT_SECONDS
    message = "Zbyt wiele nieudanych logowań; spróbuj ponownie za 15 minut."
    assert message in refused.content.decode()
    assert not is_logged_in(client)
    # The lock is per username and address: the same username elsewhere, and others here, may try.
    assert log_in(client, url, who, PASSWORD, address="198.51.100.7").status_code == 302


def test_the_staff_and_admin_log_ins_share_the_count(client, consultant, administrator):
    for _ in range(3):
        log_in(client, ADMIN_LOGIN, "szefowa", "wrong-password")
    for _ in range(2):
        log_in(client, STAFF_LOGIN, "szefowa", "wrong-password")
    assert log_in(client, STAFF_LOGIN, "szefowa", PASSWORD).status_code == 429


def test_usernames_differing_in_case_share_a_count(client, consultant):
    for username in ["ola", "OLA", "Ola ", "oLa", "olA"]:
        log_in(client, STAFF_LOGIN, username, "wrong-password")
    assert log_in(client, STAFF_LOGIN, "ola", PASSWORD).status_code == 429


def test_many_usernames_from_one_address_lock_the_address(client, consultant):
    failures = 0
    for number in range(throttle.FAILURES_PER_ADDRESS // (throttle.FAILURES_PER_USERNAME - 1)):
        for _ in range(throttle.FAILURES_PER_USERNAME - 1):  # never enough to lock one username
            assert log_in(client, STAFF_LOGIN, f"guess{number}", "x-password").status_code == 200
            failures += 1
    assert failures == throttle.FAILURES_PER_ADDRESS
    assert log_in(client, STAFF_LOGIN, "ola", PASSWORD).status_code == 429
    assert log_in(client, STAFF_LOGIN, "ola", PASSWORD, address="198.51.100.7").status_code == 302


def test_a_success_clears_the_usernames_count(client, consultant):
    for _ in range(throttle.FAILURES_PER_USERNAME - 1):
        log_in(client, STAFF_LOGIN, "ola", "wrong-password")
    assert log_in(client, STAFF_LOGIN, "ola", PASSWORD).status_code == 302
    client.logout()
    for _ in range(throttle.FAILURES_PER_USERNAME - 1):
        log_in(client, STAFF_LOGIN, "ola", "wrong-password")
    assert log_in(client, STAFF_LOGIN, "ola", PASSWORD).status_code == 302


def test_the_lock_ends_after_fifteen_minutes(client, consultant, monkeypatch):
    for _ in range(throttle.FAILURES_PER_USERNAME):
        log_in(client, STAFF_LOGIN, "ola", "wrong-password")
    start = time.time()
    monkeypatch.setattr(time, "time", lambda: start + 10 * 60)  # the cache's clock too
    refused = log_in(client, STAFF_LOGIN, "ola", PASSWORD)
    assert refused.status_code == 429
    assert "za 5 minut" in refused.content.decode()
    monkeypatch.setattr(time, "time", lambda: start + throttle.LOCKOUT_SECONDS + 1)
    assert log_in(client, STAFF_LOGIN, "ola", PASSWORD).status_code == 302


def test_an_account_that_may_not_use_the_admin_is_not_counted_as_a_failure(client, consultant):
    for _ in range(throttle.FAILURES_PER_USERNAME + 1):  # the right password, the wrong door
        assert log_in(client, ADMIN_LOGIN, "ola", PASSWORD).status_code == 200
    assert log_in(client, STAFF_LOGIN, "ola", PASSWORD).status_code == 302


def test_the_admin_logs_an_administrator_in(client, administrator):
    assert log_in(client, ADMIN_LOGIN, "szefowa", PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_log_out_is_a_post_and_comes_back_to_the_log_in_page(client, consultant):
    client.force_login(consultant)
    assert client.get("/staff/logout/").status_code == 405
    response = client.post("/staff/logout/", follow=True)
    assert response.redirect_chain[-1][0] == STAFF_LOGIN
    assert "Wylogowano." in response.content.decode()
    assert not is_logged_in(client)


@pytest.mark.parametrize(
    ("minutes", "polish"),
    [(1, "1 minutę"), (2, "2 minuty"), (5, "5 minut"), (15, "15 minut"), (22, "22 minuty")],
)
def test_the_wait_is_said_in_good_polish(minutes, polish):
    with translation.override("pl"):
        assert too_many_failures(minutes * 60).endswith(f"za {polish}.")
    english = f"in {minutes} minute{'s' if minutes > 1 else ''}."
    with translation.override("en"):
        assert too_many_failures(minutes * 60 - 59).endswith(english)


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "counted"),
    [
        ("192.0.2.1", "", 0, "192.0.2.1"),
        ("192.0.2.1", "203.0.113.5", 0, "192.0.2.1"),  # no proxy trusted: the header is ignored
        ("10.0.0.1", "203.0.113.5", 1, "203.0.113.5"),
        ("10.0.0.1", "198.51.100.1, 203.0.113.5", 1, "203.0.113.5"),  # the client wrote the first
        ("10.0.0.2", "203.0.113.5, 10.0.0.1", 2, "203.0.113.5"),
        ("10.0.0.1", "", 1, "10.0.0.1"),  # fewer entries than proxies: the peer
        ("2001:db8:1:2:3:4:5:6", "", 0, "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.1", "", 0, "192.0.2.1"),
        ("not-an-address", "", 0, "unknown"),
    ],
)
def test_the_client_address_counted(rf, remote, forwarded, proxies, counted):
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(MAPA_TRUSTED_PROXIES=proxies):
        assert throttle.client_address(request) == counted
