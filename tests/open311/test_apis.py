"""Open311 GeoReport v2 (mapa/open311/apis.py): every resource in both formats, every error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mapa.catalogue.models import Category, CategoryAttribute
from mapa.reports.models import Report, ReportEvent, ReportStatus
from tests.conftest import NEPTUNE_FOUNTAIN
from tests.open311.conftest import BASE, PII, errors_of, xml_of

pytestmark = pytest.mark.django_db

LON, LAT = NEPTUNE_FOUNTAIN


# ---------------------------------------------------------------- discovery


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_discovery_names_the_endpoint_and_its_formats(client, fmt):
    response = client.get(f"{BASE}discovery.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        doc = response.json()
        endpoint = doc["endpoints"][0]
        assert endpoint["formats"] == ["application/json", "text/xml"]
    else:
        root = xml_of(response)
        assert root.tag == "discovery"
        doc = {child.tag: child.text for child in root if child.tag != "endpoints"}
        element = root.find("endpoints/endpoint")
        assert element is not None
        endpoint = {child.tag: child.text for child in element if child.tag != "formats"}
        assert [f.text for f in element.findall("formats/format")] == [
            "application/json",
            "text/xml",
        ]
    assert doc["changeset"]
    assert doc["contact"]
    assert "api_key" in doc["key_service"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://localhost/open311/v2/"
    assert endpoint["type"] == "production"


# ---------------------------------------------------------------- services


def test_services_are_the_active_categories_in_polish_by_default(client):
    services = client.get(f"{BASE}services.json").json()
    active = Category.objects.filter(active=True)
    assert [s["service_code"] for s in services] == [c.code for c in active]
    animal = next(s for s in services if s["service_code"] == "stray-animal")
    category = Category.objects.get(code="stray-animal")
    assert animal["service_name"] == category.name_pl
    assert animal["metadata"] is True
    assert animal["type"] == "realtime"
    assert animal["group"] == category.group
    pothole = next(s for s in services if s["service_code"] == "pothole")
    assert pothole["metadata"] is False


def test_an_inactive_category_is_no_service(client):
    Category.objects.filter(code="graffiti-vandalism").update(active=False)
    codes = [s["service_code"] for s in client.get(f"{BASE}services.json").json()]
    assert "graffiti-vandalism" not in codes
    assert client.get(f"{BASE}services/graffiti-vandalism.json").status_code == 404


@pytest.mark.parametrize(
    ("headers", "params"), [({"HTTP_ACCEPT_LANGUAGE": "en"}, ""), ({}, "?locale=en_GB")]
)
def test_services_in_english_by_accept_language_or_locale(client, headers, params):
    response = client.get(f"{BASE}services.xml{params}", **headers)
    root = xml_of(response)
    assert root.tag == "services"
    names = {s.findtext("service_code"): s.findtext("service_name") for s in root.iter("service")}
    assert names["stray-animal"] == Category.objects.get(code="stray-animal").name_en
    metadata = {s.findtext("service_code"): s.findtext("metadata") for s in root}
    assert metadata["stray-animal"] == "true"
    assert metadata["pothole"] == "false"


def test_a_service_definition_lists_its_attributes_and_values(client):
    definition = client.get(f"{BASE}services/stray-animal.json").json()
    question = CategoryAttribute.objects.get(category__code="stray-animal", code="animal")
    assert definition["service_code"] == "stray-animal"
    [attribute] = definition["attributes"]
    assert attribute == {
        "variable": True,
        "code": "animal",
        "datatype": "singlevaluelist",
        "required": True,
        "datatype_description": attribute["datatype_description"],
        "order": 1,
        "description": question.label_pl,
        "values": [{"key": v["key"], "name": v["name_pl"]} for v in question.values],
    }
    assert attribute["datatype_description"]


def test_a_service_definition_in_xml_in_english(client):
    root = xml_of(client.get(f"{BASE}services/stray-animal.xml?locale=en"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "stray-animal"
    attribute = root.find("attributes/attribute")
    assert attribute is not None
    assert attribute.findtext("datatype") == "singlevaluelist"
    assert attribute.findtext("required") == "true"
    question = CategoryAttribute.objects.get(category__code="stray-animal", code="animal")
    assert attribute.findtext("description") == question.label_en
    values = [(v.findtext("key"), v.findtext("name")) for v in attribute.iter("value")]
    assert values == [(v["key"], v["name_en"]) for v in question.values]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_is_a_404(client, fmt):
    response = client.get(f"{BASE}services/no-such-thing.{fmt}")
    assert response.status_code == 404
    assert "no-such-thing" in errors_of(response)[0]


# ---------------------------------------------------------------- GET requests


def test_requests_show_the_public_fields(client, make_report):
    report = make_report(
        "stray-animal",
        LON,
        LAT,
        description="Pies przy fontannie",
        attributes={"animal": "dog"},
        address="Długi Targ 1",
        **PII,
    )
    [request] = client.get(f"{BASE}requests.json").json()
    assert request["service_request_id"] == report.reference
    assert request["status"] == "open"
    assert request["status_notes"] == str(ReportStatus.NEW.label)
    assert request["service_code"] == "stray-animal"
    assert request["service_name"] == report.category.name_pl
    assert request["description"] == "Pies przy fontannie"
    assert request["agency_responsible"] == report.unit.name
    assert request["service_notice"] == report.routing_explanation
    assert request["address"] == "Długi Targ 1"
    assert (request["long"], request["lat"]) == (LON, LAT)
    assert request["requested_datetime"].startswith(str(report.created_at.astimezone().year))
    if report.due_at is None:  # no deadline for the category: left out
        assert "expected_datetime" not in request
    else:
        assert request["expected_datetime"] == report.due_at.astimezone().isoformat(
            timespec="seconds"
        )
    extended = request["extended_attributes"]
    assert extended["status"] == "new"
    assert extended["district"] == report.district.name
    assert extended["url"] == "http://localhost" + reverse("web:report", args=[report.reference])
    assert "address_id" not in request
    assert "media_url" not in request


def test_a_closed_request_with_a_public_note_and_a_media_url(client, make_report):
    report = make_report(media_url="https://example.org/photo.jpg")
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RESOLVED)
    ReportEvent.objects.create(
        report=report, kind="status", public_note="Załatane.", internal_note="SECRET-INTERNAL-NOTE"
    )
    root = xml_of(client.get(f"{BASE}requests/{report.reference}.xml"))
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert request.findtext("status") == "closed"
    assert request.findtext("status_notes") == f"{ReportStatus.RESOLVED.label}: Załatane."
    assert request.findtext("media_url") == "https://example.org/photo.jpg"
    assert request.find("address_id") is not None  # empty elements in XML
    assert request.findtext("extended_attributes/status") == "resolved"
    assert b"SECRET-INTERNAL-NOTE" not in client.get(f"{BASE}requests.json").content


def test_filters_by_id_code_status_and_dates(client, make_report):
    road = make_report("pothole")
    dog = make_report("stray-animal", attributes={"animal": "dog"})
    closed = make_report("other")
    Report.objects.filter(pk=closed.pk).update(status=ReportStatus.REJECTED)

    def ids(query):
        response = client.get(f"{BASE}requests.json?{query}")
        assert response.status_code == 200, response.content
        return [r["service_request_id"] for r in response.json()]

    assert ids("") == [closed.reference, dog.reference, road.reference]  # newest first
    assert ids(f"service_request_id={road.reference},{dog.reference}") == [
        dog.reference,
        road.reference,
    ]
    assert ids("service_code=pothole,stray-animal") == [dog.reference, road.reference]
    assert ids("status=open") == [dog.reference, road.reference]
    assert ids("status=closed") == [closed.reference]
    assert ids("status=open,closed") == ids("")
    assert ids("start_date=2000-01-01T00:00:00Z&end_date=2000-02-01T00:00:00Z") == []
    Report.objects.filter(pk=road.pk).update(created_at="2001-01-15T12:00:00Z")
    assert ids("start_date=2001-01-01T00:00:00Z") == [road.reference]
    assert road.reference not in ids("")  # older than the default 90 days
    # service_request_id overrides every other filter
    assert ids(f"service_request_id={road.reference}&status=closed") == [road.reference]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=pending", "status"),
        ("start_date=yesterday", "start_date"),
        ("end_date=2026-02-30T00:00:00Z", "end_date"),
        ("start_date=2026-05-01T00:00:00Z&end_date=2026-04-01T00:00:00Z", "end_date"),
        ("start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "end_date"),
        ("service_code=%00", "service_code"),
        ("end_date=0001-01-05T00:00:00Z", "end_date"),
        ("start_date=9999-12-30T00:00:00Z", "start_date"),
        ("start_date=0001-01-01", "start_date"),
        ("start_date=2026-01-01T00:00:00%2B23:35", "start_date"),  # PostgreSQL: ±15:59 at most
        ("end_date=2026-01-01T00:00:00-16:00", "end_date"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_filters_are_400s_naming_the_parameter(client, query, field, fmt):
    response = client.get(f"{BASE}requests.{fmt}?{query}")
    assert response.status_code == 400
    assert errors_of(response)[0].startswith(field)


def test_errors_and_status_notes_follow_the_language(client, make_report):
    english = errors_of(client.get(f"{BASE}requests.json?status=x&locale=en"))[0]
    assert english == "status: Must be open or closed, not x."
    make_report()
    polish = client.get(f"{BASE}requests.json").json()[0]
    english = client.get(f"{BASE}requests.json", HTTP_ACCEPT_LANGUAGE="en").json()[0]
    assert english["status_notes"] == "new"
    assert polish["status_notes"] != "new"
    assert english["service_name"] == "Pothole or road damage"
    assert polish["service_notice"] != english["service_notice"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_request_is_a_404(client, fmt):
    response = client.get(f"{BASE}requests/GD-2026-999999.{fmt}")
    assert response.status_code == 404
    assert "GD-2026-999999" in errors_of(response)[0]


@pytest.mark.parametrize(
    "path",
    [
        "services.html",
        "requests.csv",
        "discovery.yaml",
        "nothing-here",
        "services/pothole.txt",
        "requests/GD-2026-000001.pdf",
        "tokens/abc.json",
    ],
)
def test_unknown_formats_and_paths_are_404s_in_the_standard_shape(client, path):
    response = client.get(BASE + path)
    assert response.status_code == 404
    assert errors_of(response)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_wrong_methods_are_405s(client, fmt):
    for method in (client.delete, client.put, client.patch):
        response = method(f"{BASE}services.{fmt}")
        assert response.status_code == 405
        assert errors_of(response)
    assert client.post(f"{BASE}services.{fmt}").status_code == 405
    assert client.post(f"{BASE}requests/GD-2026-000001.{fmt}").status_code == 405


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("path", ["discovery", "services", "requests", "requests/GD-2026-000001"])
def test_options_is_a_405_in_the_standard_shape_not_drf_metadata(client, fmt, path):
    response = client.options(f"{BASE}{path}.{fmt}")
    assert response.status_code == 405
    assert errors_of(response) == ['Niedozwolona metoda "OPTIONS".']
    assert "GET" in response["Allow"]
    assert "OPTIONS" not in response["Allow"]


@pytest.mark.parametrize("jurisdiction", ["gdansk", "GDANSK", "localhost"])
def test_the_citys_jurisdiction_is_accepted(client, jurisdiction):
    response = client.get(f"{BASE}services.json?jurisdiction_id={jurisdiction}")
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["services.json", "requests.xml", "services/pothole.json"])
def test_an_unknown_jurisdiction_is_a_404(client, path):
    response = client.get(f"{BASE}{path}?jurisdiction_id=sopot")
    assert response.status_code == 404
    assert errors_of(response)[0].startswith("jurisdiction_id")


# ---------------------------------------------------------------- token scoping and PII


def test_a_units_key_sees_only_its_units_cases(client, keys, make_report):
    road = make_report("pothole")  # GZDiZ
    dog = make_report("stray-animal", attributes={"animal": "dog"})  # Straż Miejska's office

    def ids(who, path="requests.json"):
        response = client.get(f"{BASE}{path}?api_key={keys[who]}")
        return (
            [r["service_request_id"] for r in response.json()]
            if response.status_code == 200
            else response.status_code
        )

    assert ids("unit_gzdiz") == [road.reference]
    assert ids("unit_sm") == [dog.reference]
    assert ids("dispatcher") == [dog.reference, road.reference]
    assert ids("unit_gzdiz", f"requests/{dog.reference}.json") == 404
    assert ids("unit_sm", f"requests/{dog.reference}.json") == [dog.reference]
    response = client.get(
        f"{BASE}requests.json?api_key={keys['unit_gzdiz']}&service_request_id={dog.reference}"
    )
    assert response.json() == []


@pytest.mark.parametrize("key", ["not-a-key", "no_role"])
def test_a_bad_key_is_a_403_even_for_reading(client, keys, key):
    response = client.get(f"{BASE}requests.xml?api_key={keys.get(key, key)}")
    assert response.status_code == 403
    assert errors_of(response)[0].startswith("api_key")


def test_no_personal_data_in_any_open311_answer(client, keys, make_report):
    report = make_report("stray-animal", attributes={"animal": "dog"}, **PII)
    paths = [
        "requests.json",
        "requests.xml",
        f"requests/{report.reference}.json",
        f"requests/{report.reference}.xml",
        f"requests.json?api_key={keys['unit_sm']}",
    ]
    for path in paths:
        content = client.get(BASE + path).content.decode()
        assert report.reference in content
        for value in PII.values():
            assert value not in content, (path, value)
        assert "Zenobia" not in content
        assert "511 987" not in content


# ---------------------------------------------------------------- what the views never see


@pytest.mark.parametrize(
    ("send", "status"),
    [
        (lambda c: c.get(f"{BASE}requests.xml?status=%00"), 400),  # the text guard
        (lambda c: c.get(f"{BASE}services/a%00b.json"), 404),
        (lambda c: c.get("/open311/"), 404),
        (lambda c: c.post(f"{BASE}requests.json", "{}", content_type="application/json"), 415),
        (
            lambda c: c.post(
                f"{BASE}requests.json",
                "description=" + "x" * 3_000_000,
                content_type="application/x-www-form-urlencoded",
            ),
            413,
        ),
        (
            lambda c: c.post(
                f"{BASE}requests.json",
                "&".join(f"f{i}=1" for i in range(2000)),
                content_type="application/x-www-form-urlencoded",
            ),
            400,
        ),
    ],
)
def test_errors_from_outside_the_views_are_in_the_standard_shape_too(client, send, status):
    response = send(client)
    assert response.status_code == status
    assert errors_of(response)


def test_control_characters_keep_the_xml_well_formed(client, make_report):
    """XML 1.0 cannot hold U+0001 even as a reference: it becomes U+FFFD; a carriage
    return is written as &#13; so that it is read back as itself, not as a line feed."""
    report = make_report(description="a\x01b\rc\x1fd\ufffe", address="x\x0by")
    response = client.get(f"{BASE}requests/{report.reference}.xml")
    assert response.status_code == 200
    request = xml_of(response).find("request")
    assert request.findtext("description") == "a\ufffdb\rc\ufffdd\ufffd"
    assert request.findtext("address") == "x\ufffdy"
    as_json = client.get(f"{BASE}requests/{report.reference}.json").json()
    assert as_json[0]["description"] == "a\x01b\rc\x1fd\ufffe"


def test_the_schema_documents_both_formats_and_a_bad_keys_403():
    """Schemathesis found both: each answer documented as JSON only, and a 403 for a
    wrong api_key on a single request, undocumented."""
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    single = paths["/open311/v2/requests/{service_request_id}.{fmt}"]["get"]["responses"]
    assert set(single) == {"200", "403", "404"}
    for item in paths.values():
        for operation in item.values():
            if "open311" not in operation.get("tags", []):
                continue
            for response in operation["responses"].values():
                assert set(response["content"]) == {"application/json", "text/xml"}
