"""A crawl of every address Mapa answers: no contact data and no internal note leaks.

Distinctive contact data is filed three ways (the resident's form API, a
consultant's intake, an Open311 POST), and a staff internal note carries its
own secret. Then every URL pattern in the URLconf is fetched (with the
parameters it needs to answer 200) by an anonymous visitor, by a dispatcher
(a staff role that may not see contact data), and, for the exports and
Open311, with every role's token (exports never carry contact data, whoever
asks). Every body is scanned, in both languages, and so is every log record
written meanwhile.

The crawl is driven by the URLconf itself: a new endpoint is crawled without
being listed here, and one the crawl cannot fill in (an unknown URL
parameter) or never gets a 200 from fails the test, so it cannot be forgotten.
"""

from __future__ import annotations

import html
import io
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import quote, quote_plus, urlencode

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mapa.alerts.models import AreaAlert, Follow
from mapa.alerts.services import subscription_confirm
from mapa.alerts.tokens import confirm_token
from mapa.notifications.removal import removal_token
from mapa.notifications.unsubscribe import unsubscribe_token
from mapa.reports.casework import report_change_status
from mapa.reports.models import Report
from mapa.sms.services import text_received
from mapa.staff.services import api_token_for
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY
from tests.staff.conftest import (  # noqa: F401  (fixtures)
    accounts,
    clean_throttle,
    staff_account,
)

pytestmark = pytest.mark.django_db

# Contact data as three channels take it: distinctive, so a hit is never a coincidence.
RESIDENT = {
    "name": "Eulalia Przybyszewska",
    "email": "eulalia.p@example.org",
    "phone": "601 909 313",
}
INTAKE = {"name": "Bonifacy Grzęda", "email": "bonifacy.g@example.net", "phone": "502 777 414"}
OPEN311 = {
    "first_name": "Hieronim",
    "last_name": "Kwiatkowski-Zięba",
    "email": "hieronim.kz@example.com",
    "phone": "693 212 515",
}
# Subscribers (mapa/alerts): one follows a report, one has an area alert.
FOLLOWER = "florentyna.obserwator@example.org"
# A text to the SMS line (mapa/sms): the sender's number as the gateway gives it.
SMS_SENDER = "48607808919"
SUBSCRIBER = "seweryn.okolica@example.net"
CONTACT_SECRETS = (
    *RESIDENT.values(),
    FOLLOWER,
    SUBSCRIBER,
    *INTAKE.values(),
    "Kwiatkowski-Zięba",
    "hieronim.kz@example.com",
    "693 212 515",
    # The same numbers as a browser or JSON may write them.
    "601909313",
    "502777414",
    "693212515",
    "eulalia.p%40example.org",
    # The resident asked for SMS updates (stored as +48601909313); the SMS line's sender.
    "607808919",
    "607 808 919",
)
INTERNAL_SECRET = "oddzwonić po 17: kod bramy 4711#"


def variants(values: Iterable[str]) -> tuple[str, ...]:
    """Each value as a page, a JSON body, a URL or a CSV may write it: HTML-escaped,
    JSON-escaped (``\\u0119`` for ę), URL-encoded, a phone's digits without spaces or
    with the country code. (The scan compares case-insensitively: an address lower-cased
    is the same hit.)"""
    found: set[str] = set()
    for value in values:
        forms = {
            value,
            html.escape(value),
            json.dumps(value)[1:-1],
            quote(value),
            quote_plus(value),
        }
        digits = "".join(c for c in value if c.isdigit())
        if len(digits) == 9 and not any(c.isalpha() for c in value):  # a Polish phone number
            forms |= {digits, f"+48{digits}", f"48{digits}", f"+48 {value}"}
        for word in value.split():  # a surname alone (longer words only: no false hits)
            if len(word) >= 9 and "@" not in word and not word.isdigit():
                forms |= {word, json.dumps(word)[1:-1]}
        found |= forms
    return tuple(sorted(found))


CONTACT_SECRETS = variants(CONTACT_SECRETS)

REFUSED = (302, 401, 403, 405)

# URL names the crawl leaves out, each for a reason.
SKIPPED = {
    "open311-not-found": "the standard's 404 for anything else under /open311/v2/",
}
# Addresses that only take a POST: crawled all the same (a GET is refused), never a 200.
POST_ONLY = {
    "web:set_language",
    "web:report-submit",
    "staff_auth:logout",
    "api-photos",
    "api-staff-transition",
    "api-staff-reroute",
    "api-staff-duplicate",
    "api-staff-unduplicate",
    "api-staff-notes",
    "api-staff-review",
    "api-staff-hotspots-merge",
    "alerts:follow",
    "alerts:api-follow",
    "sms:api-inbound",
    "sms:api-complete",
    "sms:api-dismiss",
    "sms:dismiss",
}
# Addresses whose right answer, in the crawl's world, is not a 200: still scanned.
ANSWERS = {
    # Readiness: 503 while no worker beats (the crawl's database has none).
    "health:ready": (200, 503),
}
SKIPPED_PREFIXES = {
    "admin:": "the admin is for administrators, who may see contact data by design",
}

# What each URL needs to answer 200, per URL name: extra query strings to try.
QUERIES: dict[str, list[dict[str, str]]] = {
    "api-reports": [{}, {"status": "open", "bbox": "18.6,54.3,18.7,54.4"}],
    "api-reports-nearby": [
        {"lon": str(NEPTUNE_FOUNTAIN[0]), "lat": str(NEPTUNE_FOUNTAIN[1]), "radius": "500"}
    ],
    "api-routing": [{"lon": str(NEPTUNE_FOUNTAIN[0]), "lat": str(NEPTUNE_FOUNTAIN[1])}],
    "api-places": [{"q": "Długi Targ"}],
    "api-staff-reports": [{}, {"q": "Dziura"}],
    "api-reports-map-count": [{"bbox": "18.6,54.3,18.7,54.4"}],
    "api-staff-map-count": [
        {"bbox": "18.6,54.3,18.7,54.4"},
        {"bbox": "18.6,54.3,18.7,54.4", "q": "Dziura"},
    ],
    "api-staff-map-tile": [{}, {"status": "open"}],
    "api-schema": [{}, {"format": "json"}],
    "web:stats": [
        {},
        {"format": "csv"},
        {"format": "csv", "table": "times"},
        {"format": "geojson"},
    ],
    "exports:reports-geojson": [{}, {"status": "open"}],
    "exports:reports-csv": [{}, {"wkt": "true"}],
    "briefing:map": [{"unit": "gzdiz"}, {"district": "srodmiescie"}, {"unit": "gck"}],
    "open311-requests": [{}, {"status": "open"}],
}
# Values for the URLs' own parameters, by parameter name (``None``: the report filed first).
URL_VALUES: dict[str, list[str] | None] = {
    "reference": None,
    "service_request_id": None,
    "service_code": ["pothole", "stray-animal"],
    "fmt": ["json", "xml"],
    # Map tiles: the Neptune fountain's at zoom 12.
    "z": ["12"],
    "x": ["2260"],
    "y": ["1308"],
    # Signed confirmation and unsubscribe links: filled in by ``filed`` (``subscribed``).
    "token": [],
}
# Integrations: fetched with every role's token too (the Open311 key as api_key).
INTEGRATION_PREFIXES = ("exports:", "briefing:", "open311-")


def url_patterns(
    resolver: URLResolver | None = None, namespace: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    """(full name, pattern) for every pattern; an unnamed one's name is just its namespace."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, inner)
        else:
            yield (f"{namespace}{entry.name or ''}", entry)


def concrete_urls(name: str, pattern: URLPattern, references: list[str]) -> list[str]:
    """Every URL to fetch for one pattern: each combination of its parameters' values."""
    params = list(pattern.pattern.regex.groupindex)
    combos: list[dict[str, str]] = [{}]
    for param in params:
        if param not in URL_VALUES:
            pytest.fail(f"{name}: the crawl has no value for the URL parameter {param!r}")
        values = URL_VALUES[param] or references
        combos = [{**combo, param: value} for combo in combos for value in values]
    urls = []
    for combo in combos:
        base = reverse(name, kwargs=combo or None)
        for query in QUERIES.get(name, [{}]):
            urls.append(f"{base}?{urlencode(query)}" if query else base)
    return urls


def subscribed(reference: str) -> list[str]:
    """A follower (through the map's API) and an area alert (through its page), both
    confirmed; their signed links, and the reporter's, for the crawl's ``token``."""
    followed = Client().post(
        "/api/alerts/follows/",
        {"reference": reference, "email": FOLLOWER},
        content_type="application/json",
    )
    assert followed.status_code == 202, followed.content
    alerted = Client().post(
        "/alerts/",
        {
            "email": SUBSCRIBER,
            "kinds": ["new", "resolved"],
            "area": "districts",
            "districts": ["srodmiescie"],
            "frequency": "daily",
        },
    )
    assert alerted.status_code == 302, alerted.content
    follow, alert = Follow.objects.get(email=FOLLOWER), AreaAlert.objects.get(email=SUBSCRIBER)
    subscription_confirm("follow", follow.pk)
    subscription_confirm("alert", alert.pk)
    return [
        confirm_token("follow", follow.pk),
        confirm_token("alert", alert.pk),
        unsubscribe_token("follow", follow.pk),
        unsubscribe_token("alert", alert.pk),
        unsubscribe_token("report", Report.objects.get(reference=reference).pk),
        # The reporter's removal link (mapa/privacy/views.py): the page shows the reference.
        removal_token(Report.objects.get(reference=reference)),
    ]


@pytest.fixture
def filed(api, accounts, settings, monkeypatch) -> list[str]:  # noqa: F811
    """Three reports with contact data, filed three ways; an internal note on one;
    a follower of the first and an area alert around it."""
    resident = api.post(
        "/api/reports/",
        json.dumps(
            {
                "category": "pothole",
                "description": "Dziura przed fontanną",
                **RESIDENT,
                "sms_updates": True,
                "location": {"type": "Point", "coordinates": list(NEPTUNE_FOUNTAIN)},
            }
        ),
        content_type="application/json",
    )
    assert resident.status_code == 201, resident.content
    consultant = Client()
    consultant.force_login(accounts["consultant"])
    intake = consultant.post(
        "/api/staff/reports/",
        json.dumps(
            {
                "category": "stray-animal",
                "attributes": {"animal": "dog"},
                "description": "Pies przy przystanku, zgłoszenie telefoniczne",
                "channel": "phone",
                **INTAKE,
                "location": {"type": "Point", "coordinates": list(WRZESZCZ_GORNY)},
            }
        ),
        content_type="application/json",
    )
    assert intake.status_code == 201, intake.content
    open311 = Client().post(
        "/open311/v2/requests.json",
        {
            "api_key": api_token_for(username=accounts["consultant"].username),
            "service_code": "pothole",
            "lat": str(NEPTUNE_FOUNTAIN[1]),
            "long": str(NEPTUNE_FOUNTAIN[0]),
            "description": "Zapadnięta studzienka",
            **OPEN311,
        },
    )
    assert open311.status_code == 200, open311.content
    references = [
        resident.json()["properties"]["reference"],
        intake.json()["properties"]["reference"],
        open311.json()[0]["service_request_id"],
    ]
    stored = Report.objects.filter(reference__in=references)
    assert {r.reporter_email for r in stored} == {
        RESIDENT["email"],
        INTAKE["email"],
        OPEN311["email"],
    }
    report_change_status(
        report=stored.get(reference=references[0]),
        status="accepted",
        public_note="Przyjęte do realizacji.",
        internal_note=INTERNAL_SECRET,
    )
    monkeypatch.setitem(URL_VALUES, "token", subscribed(references[0]))
    # An SMS triage case (its own reference, the sender's number) and a staff reply by SMS
    # to the resident who chose SMS updates.
    sms_case = text_received(gateway_id="crawl-1", sender=SMS_SENDER, text="Zepsuta latarnia")
    replied = consultant.post(f"/staff/sms/{references[0]}/reply/", {"text": "Dziękujemy."})
    assert replied.status_code == 302, replied.content
    monkeypatch.setitem(URL_VALUES, "reference", [*references, sms_case.case.reference])
    return references


def crawl(
    get: Callable[[str], Any], references: list[str], only: tuple[str, ...] = ()
) -> tuple[dict[str, str], dict[str, int]]:
    """Fetch every URL; return the bodies by URL and, per URL name, how many answered 200."""
    bodies: dict[str, str] = {}
    answered: dict[str, int] = {}
    for name, pattern in url_patterns():
        if name in SKIPPED or name.startswith(tuple(SKIPPED_PREFIXES)):
            continue
        if not name or name.endswith(":"):
            assert pattern.pattern.regex.pattern.startswith("^media/"), (
                f"an unnamed URL pattern the crawl cannot reach: {pattern.pattern}"
            )
            continue
        if only and not name.startswith(only):
            continue
        answered.setdefault(name, 0)
        for url in concrete_urls(name, pattern, references):
            for language in ("pl", "en"):
                response = get(url, HTTP_ACCEPT_LANGUAGE=language)
                assert response.status_code < 500 or response.status_code in ANSWERS.get(
                    name, ()
                ), f"{url}: {response.status_code}"
                content = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                bodies[f"{url} [{language}]"] = content.decode("utf-8", "replace") + "\n".join(
                    f"{header}: {value}" for header, value in response.headers.items()
                )
                if name in POST_ONLY:
                    # Refused: no account, no role, wrong method (setlang redirects back).
                    assert response.status_code in REFUSED, f"{url}: {response.status_code}"
                expected = REFUSED if name in POST_ONLY else ANSWERS.get(name, (200,))
                answered[name] += response.status_code in expected
    return bodies, answered


def leaks(bodies: dict[str, str], secrets: tuple[str, ...]) -> list[str]:
    return [
        f"{url} shows {secret!r}"
        for url, body in bodies.items()
        for secret in secrets
        if secret.lower() in body.lower()
    ]


def test_anonymous_visitor_sees_no_contact_data_or_internal_note_anywhere(filed, caplog):
    caplog.set_level(logging.DEBUG)
    bodies, answered = crawl(Client().get, filed)
    assert leaks(bodies, (*CONTACT_SECRETS, INTERNAL_SECRET)) == []
    staff_only = ("api-staff", "staff:", "exports:", "briefing:", "sms:")
    public = {name for name in answered if not name.startswith(staff_only)}
    assert {name for name in public if answered[name] == 0} == set(), "public URLs not reached"
    assert {name for name in answered if name.startswith(staff_only) and answered[name]} <= (
        POST_ONLY
    ), "a staff address answered an anonymous visitor"
    # What was filed is really there to find: the crawl reads the reports themselves.
    assert any(filed[0] in body for body in bodies.values())
    assert any(filed[2] in body for url, body in bodies.items() if "open311" in url)
    assert leaks({"log": caplog.text}, CONTACT_SECRETS) == []


def test_dispatcher_sees_no_contact_data_on_any_page_or_api(filed, accounts, caplog):  # noqa: F811
    caplog.set_level(logging.DEBUG)
    client = Client()
    client.force_login(accounts["dispatcher"])
    bodies, answered = crawl(client.get, filed)
    assert leaks(bodies, CONTACT_SECRETS) == []
    not_reached = {name for name, count in answered.items() if count == 0}
    # What a dispatcher's role may not use (the access matrix, mapa/staff/access.py).
    assert not_reached == {
        "staff:intake",
        "staff:bans",  # the ban list: consultants and administrators only
        "api-staff-coverage",
        # GCK's SMS line (mapa/sms/access.py)
        "sms:queue",
        "sms:case",
        "sms:complete",
        "sms:reply",
    }
    # The staff case page and API really show the case (with its internal note: staff may).
    assert any(INTERNAL_SECRET in body for url, body in bodies.items() if "/staff/" in url)
    assert leaks({"log": caplog.text}, CONTACT_SECRETS) == []


@pytest.mark.parametrize("who", ["consultant", "admin", "dispatcher", "unit_gzdiz", "unit_sm"])
def test_no_export_or_open311_answer_carries_contact_data_whoever_asks(
    filed,
    accounts,  # noqa: F811
    who,
    settings,
):
    # Exports hold the changes made before the current second (mapa/exports/sync.py).
    settings.MAPA_EXPORT_SYNC_LAG_SECONDS = 0
    time.sleep(1.02 - time.time() % 1)
    key = api_token_for(username=accounts[who].username)
    token_client = Client(HTTP_AUTHORIZATION=f"Token {key}")

    def get(url: str, **headers: str) -> Any:
        if url.startswith("/open311/"):
            url += ("&" if "?" in url else "?") + urlencode({"api_key": key})
        return token_client.get(url, **headers)

    bodies, answered = crawl(get, filed, only=INTEGRATION_PREFIXES)
    assert leaks(bodies, (*CONTACT_SECRETS, INTERNAL_SECRET)) == []
    assert [name for name, count in answered.items() if not count] == []
    if who in ("consultant", "admin"):  # these see every case: the crawl found the filed ones
        exported = "".join(body for url, body in bodies.items() if "exports" in url)
        assert all(reference in exported for reference in filed)


@pytest.mark.parametrize("who", [None, "admin"])
def test_the_export_commands_write_no_contact_data(filed, accounts, who, settings, tmp_path):  # noqa: F811
    """``manage.py export_reports`` (GeoJSON, CSV with WKT, both languages) and
    ``manage.py briefing_map``: files a unit is sent, with everything an admin sees."""
    settings.MAPA_EXPORT_SYNC_LAG_SECONDS = 0
    time.sleep(1.02 - time.time() % 1)  # exports hold changes made before the current second
    user = ["--user", accounts[who].username] if who else []
    outputs: dict[str, str] = {}
    for fmt, extra in [("geojson", []), ("csv", ["--wkt"])]:
        for language in ("pl", "en"):
            path = tmp_path / f"export-{fmt}-{language}"
            call_command(
                "export_reports",
                "--format",
                fmt,
                "--output",
                str(path),
                "--language",
                language,
                *extra,
                *user,
                stderr=io.StringIO(),
            )
            outputs[path.name] = path.read_text(encoding="utf-8")
    for unit in ("gzdiz", "gck"):
        path = tmp_path / f"briefing-{unit}.html"
        call_command(
            "briefing_map", "--unit", unit, "--output", str(path), *user, stderr=io.StringIO()
        )
        outputs[path.name] = path.read_text(encoding="utf-8")
    assert leaks(outputs, (*CONTACT_SECRETS, INTERNAL_SECRET)) == []
    exported = "".join(body for name, body in outputs.items() if name.startswith("export"))
    assert all(reference in exported for reference in filed)


def test_every_url_pattern_is_crawled_or_skipped_for_a_reason():
    """A new URL pattern is crawled without being listed; one the crawl could not fill in
    (a new URL parameter), or an unnamed one, fails here before any crawl runs."""
    names = []
    for name, pattern in url_patterns():
        if name in SKIPPED or name.startswith(tuple(SKIPPED_PREFIXES)):
            continue
        if not name or name.endswith(":"):
            assert pattern.pattern.regex.pattern.startswith("^media/"), pattern.pattern
            continue
        unknown = set(pattern.pattern.regex.groupindex) - set(URL_VALUES)
        assert not unknown, f"{name}: the crawl has no value for {unknown}"
        names.append(name)
    # What the crawls above must reach (a sample of each kind of address).
    for expected in (
        "web:report",
        "api-reports-nearby",
        "api-schema",
        "api-docs",
        "web:stats",
        "exports:reports-csv",
        "open311-requests",
        "notifications:unsubscribe",
        "privacy:remove",
    ):
        assert expected in names
