"""The API's OpenAPI description (/api/schema/, mapa/core/openapi.py and each app's openapi.py).

It must be served (YAML and JSON), validate against the OpenAPI 3.1 meta-schema
with no generator warning, cover every DRF view the URLconf routes under /api/,
describe each operation with a summary, a description, examples and an error
example in Mapa's error shape, and tell the truth: every example validates
against its schema, and real answers of the API validate against the schema
documented for their status and media type.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import jsonschema
import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.validation import validate_schema
from drf_spectacular.views import SpectacularAPIView
from PIL import Image
from rest_framework.test import APIClient
from rest_framework.views import APIView

from mapa.reports.models import Report
from tests.conftest import NEPTUNE_FOUNTAIN, SOPOT_PIER
from tests.reports.test_hotspots import ring
from tests.staff.conftest import accounts, staff_account, token_client  # noqa: F401  (fixtures)

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@cache
def schema() -> dict[str, Any]:
    """The schema as /api/schema/?format=json serves it (built once per test session)."""
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200, response.content
    document: dict[str, Any] = json.loads(response.content)
    return document


def operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in schema()["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def validator(subschema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    """A JSON Schema 2020-12 validator (OpenAPI 3.1's dialect) resolving #/components/..."""
    return jsonschema.Draft202012Validator({**subschema, "components": schema()["components"]})


def errors_of(subschema: dict[str, Any], value: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator(subschema).iter_errors(value)
    ]


# ---------------------------------------------------------------- served and valid


def test_the_schema_is_served_as_yaml_and_as_json():
    client = APIClient()
    as_yaml = client.get("/api/schema/")
    as_json = client.get("/api/schema/", {"format": "json"})
    assert as_yaml.status_code == as_json.status_code == 200
    assert as_yaml["Content-Type"].startswith("application/vnd.oai.openapi")
    assert as_json["Content-Type"].startswith("application/vnd.oai.openapi+json")
    document = yaml.safe_load(as_yaml.content)
    assert document == json.loads(as_json.content)
    assert document["openapi"].startswith("3.1")
    assert document["info"]["title"] == "Mapa Porządku API"
    assert document["info"]["license"]["name"] == "AGPL-3.0-or-later"
    assert {"tokenAuth", "cookieAuth"} <= set(document["components"]["securitySchemes"])


def test_the_schema_validates_with_no_warning(tmp_path):
    validate_schema(schema())  # the OpenAPI 3.1 meta-schema, as --validate does
    out = tmp_path / "schema.yaml"
    # --fail-on-warn: a view spectacular cannot describe, or a name collision, fails here.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert yaml.safe_load(out.read_text())["paths"].keys() == schema()["paths"].keys()


def test_every_reference_resolves_and_a_second_generation_is_the_same():
    document = schema()
    refs = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(document)))
    assert refs
    assert not refs - set(document["components"]["schemas"])
    again = APIClient().get("/api/schema/", {"format": "json"})
    assert json.loads(again.content) == document


# ---------------------------------------------------------------- complete


def routed_api_views() -> set[tuple[str, str]]:
    """(path in OpenAPI form, method) of every DRF view the URLconf routes under /api/."""
    found: set[tuple[str, str]] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for entry in patterns:
            route = prefix + _openapi_route(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                view = getattr(entry.callback, "cls", None)
                if not (isinstance(view, type) and issubclass(view, APIView)):
                    continue
                if view.__module__.startswith("drf_spectacular") or issubclass(
                    view, SpectacularAPIView
                ):
                    continue  # the schema and the docs themselves
                if not route.startswith("/api/"):
                    continue
                for method in HTTP_METHODS:
                    if hasattr(view, method):
                        found.add((route, method))

    walk(get_resolver().url_patterns, "/")
    return found


def _openapi_route(pattern: Any) -> str:
    text = str(pattern)
    text = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text)  # path("<reference:reference>/")
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", text)  # re_path("(?P<name>...)")
    return text.lstrip("^").rstrip("$").replace("\\.", ".")


def test_every_routed_api_view_is_in_the_schema():
    routed = routed_api_views()
    assert ("/api/reports/", "post") in routed  # the walk itself works
    assert ("/api/staff/reports/{reference}/transition/", "post") in routed
    documented = {(path, method) for path, method, _ in operations()}
    assert not routed - documented, f"routed but not in the schema: {sorted(routed - documented)}"


def _examples(container: dict[str, Any]) -> list[Any]:
    return [example["value"] for example in container.get("examples", {}).values()]


def _is_mapa_error(status: str, value: Any) -> bool:
    if status == "400":
        return (
            isinstance(value, dict)
            and bool(value)
            and all(isinstance(v, list | dict) for v in value.values())
        )
    return isinstance(value, dict) and isinstance(value.get("detail"), str)


def test_every_operation_has_a_summary_a_description_examples_and_an_error_example():
    problems = []
    for path, method, operation in operations():
        where = f"{method.upper()} {path}"
        if not operation.get("summary"):
            problems.append(f"{where}: no summary")
        if len(operation.get("description", "")) < 40:
            problems.append(f"{where}: no real description")
        if not operation.get("tags"):
            problems.append(f"{where}: no tag")
        responses = operation["responses"]
        problems += [
            f"{where}: the {status} answer has no description"
            for status, response in responses.items()
            if not response.get("description")
        ]
        success = [
            value
            for status, response in responses.items()
            if status.startswith("2")
            for content in response.get("content", {}).values()
            for value in _examples(content)
        ]
        if not success:
            problems.append(f"{where}: no example of a successful answer")
        errors = [
            (status, value)
            for status, response in responses.items()
            if status.startswith(("4", "5"))
            for content in response.get("content", {}).values()
            for value in _examples(content)
        ]
        if not errors:
            problems.append(f"{where}: no error response with an example")
        elif path.startswith("/api/") and not all(_is_mapa_error(s, v) for s, v in errors):
            problems.append(f"{where}: an error example is not in Mapa's error shape")
        body = operation.get("requestBody", {}).get("content", {})
        has_example = any(_examples(content) for content in body.values())
        if body and not has_example and "multipart/form-data" not in body:  # a file has none
            problems.append(f"{where}: no example of the request body")
    assert not problems, "\n".join(problems)


def test_staff_operations_need_a_token_or_a_session_and_public_ones_nothing():
    for path, method, operation in operations():
        needs = operation.get("security")
        if path.startswith(("/api/staff/", "/api/exports/")):
            assert needs == [{"tokenAuth": []}, {"cookieAuth": []}], f"{method} {path}"
        elif path.startswith("/api/"):
            assert needs is None, f"{method} {path} is public"
    token = schema()["components"]["securitySchemes"]["tokenAuth"]
    assert (token["type"], token["in"], token["name"]) == ("apiKey", "header", "Authorization")


def test_operation_ids_are_unique_and_named_on_purpose():
    ids = [operation["operationId"] for path, _, operation in operations()]
    assert len(ids) == len(set(ids))
    api_ids = [op["operationId"] for path, _, op in operations() if path.startswith("/api/")]
    assert not [i for i in api_ids if re.search(r"\d$|_retrieve_\d", i)], api_ids


# ---------------------------------------------------------------- GeoJSON


def _component(name: str) -> dict[str, Any]:
    component: dict[str, Any] = schema()["components"]["schemas"][name]
    return component


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = _component(node["$ref"].rsplit("/", 1)[1])
    return node


def test_report_geometries_are_geojson_points():
    for owner, field in [
        ("ReportFeature", "geometry"),
        ("ReportDetailFeature", "geometry"),
        ("CaseFeature", "geometry"),
        ("PlaceFeature", "geometry"),
        ("ReportCreateInputRequest", "location"),
        ("IntakeInputRequest", "location"),
    ]:
        point = _resolve(_component(owner)["properties"][field])
        assert _resolve(point["properties"]["type"])["enum"] == ["Point"], owner
        coordinates = point["properties"]["coordinates"]
        assert coordinates["type"] == "array"
        assert coordinates["items"]["type"] == "number"
        assert coordinates["minItems"] == coordinates["maxItems"] == 2
        assert set(point["required"]) == {"type", "coordinates"}
    feature = _component("ReportFeature")
    assert _resolve(feature["properties"]["type"])["enum"] == ["Feature"]
    collection = _component("ReportCollection")
    assert _resolve(collection["properties"]["type"])["enum"] == ["FeatureCollection"]


def test_outlines_are_geojson_polygons_or_multipolygons():
    for owner in ("DistrictFeature", "CoverageFeature", "HotspotFeature"):
        area = _resolve(_component(owner)["properties"]["geometry"])
        kinds = {
            _resolve(_resolve(option)["properties"]["type"])["enum"][0] for option in area["oneOf"]
        }
        assert kinds == {"Polygon", "MultiPolygon"}, owner
    assert errors_of({"$ref": "#/components/schemas/GeoJSONArea"}, {"type": "Point"})
    ring = [[18.6, 54.3], [18.7, 54.3], [18.7, 54.4], [18.6, 54.3]]
    polygon = {"type": "Polygon", "coordinates": [ring]}
    assert not errors_of({"$ref": "#/components/schemas/GeoJSONArea"}, polygon)


def test_the_report_list_documents_its_filters_and_media_type():
    operation = schema()["paths"]["/api/reports/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert names == {
        "limit",
        "cursor",
        "bbox",
        "status",
        "category",
        "district",
        "unit",
        "created_after",
        "created_before",
    }
    assert all(p.get("description") for p in operation["parameters"])
    assert list(operation["responses"]["200"]["content"]) == ["application/geo+json"]
    staff = schema()["paths"]["/api/staff/reports/"]["get"]
    assert {"polygon", "channel", "updated_after", "overdue", "q"} <= {
        p["name"] for p in staff["parameters"]
    }


# ---------------------------------------------------------------- true


def every_example() -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(where, its schema, the example's value) for every example in the schema."""
    for path, method, operation in operations():
        where = f"{method.upper()} {path}"
        for parameter in operation.get("parameters", []):
            for value in _examples(parameter):
                yield f"{where} ?{parameter['name']}", parameter["schema"], value
        for media, content in operation.get("requestBody", {}).get("content", {}).items():
            for value in _examples(content):
                yield f"{where} body {media}", content["schema"], value
        for status, response in operation["responses"].items():
            for media, content in response.get("content", {}).items():
                for value in _examples(content):
                    yield f"{where} {status} {media}", content["schema"], value


def test_every_example_is_valid_against_its_schema():
    checked = 0
    problems = []
    for where, subschema, value in every_example():
        checked += 1
        problems += [f"{where}: {error}" for error in errors_of(subschema, value)]
    assert checked > 60
    assert not problems, "\n".join(problems)


def test_a_wrong_example_would_be_caught():
    """The check above can fail: a report whose point is a string is refused."""
    feature = {"$ref": "#/components/schemas/ReportFeature"}
    good = schema()["paths"]["/api/reports/nearby/"]["get"]["responses"]["200"]["content"]
    example = next(iter(good["application/geo+json"]["examples"].values()))["value"]
    one = example["features"][0]
    assert not errors_of({"$ref": "#/components/schemas/NearbyReportFeature"}, one)
    assert errors_of(feature, {**one, "geometry": "POINT(18.65 54.35)"})
    assert errors_of(feature, {**one, "properties": {**one["properties"], "status": "open"}})


def conforms(response: Any, path: str, method: str) -> dict[str, Any]:
    """Assert the answer is documented (status, media type) and validates; return its JSON."""
    operation = schema()["paths"][path][method]
    status = str(response.status_code)
    assert status in operation["responses"], f"{method.upper()} {path}: {status} undocumented"
    media = response["Content-Type"].split(";")[0].strip()
    content = operation["responses"][status]["content"]
    assert media in content, f"{method.upper()} {path} {status}: {media} not in {list(content)}"
    body = json.loads(response.content)
    problems = errors_of(content[media]["schema"], body)
    assert not problems, f"{method.upper()} {path} {status}: {problems}"
    return body  # type: ignore[no-any-return]


def example_of(path: str, method: str, status: str) -> Any:
    response = schema()["paths"][path][method]["responses"][status]
    examples = next(iter(response["content"].values()))["examples"]
    return next(iter(examples.values()))["value"]


def new_report_body(**changes: Any) -> dict[str, Any]:
    return {
        "category": "pothole",
        "location": {"type": "Point", "coordinates": list(NEPTUNE_FOUNTAIN)},
        "description": "Dziura przy fontannie",
        "email": "openapi-test@example.org",
        **changes,
    }


@pytest.mark.django_db
def test_report_create_list_nearby_and_errors_answer_as_documented(api):
    created = conforms(api.post("/api/reports/", new_report_body(), format="json"), *REPORTS_POST)
    reference = created["properties"]["reference"]
    assert "openapi-test@example.org" not in json.dumps(created)
    listed = conforms(api.get("/api/reports/", {"limit": 1}), "/api/reports/", "get")
    assert listed["features"][0]["id"] == reference
    nearby = conforms(
        api.get("/api/reports/nearby/", {"lon": NEPTUNE_FOUNTAIN[0], "lat": NEPTUNE_FOUNTAIN[1]}),
        "/api/reports/nearby/",
        "get",
    )
    assert reference in [f["id"] for f in nearby["features"]]
    detail = conforms(api.get(f"/api/reports/{reference}/"), "/api/reports/{reference}/", "get")
    assert detail["properties"]["history"][0]["to_status"] == "new"
    # The errors, in their two shapes.
    outside = new_report_body(location={"type": "Point", "coordinates": list(SOPOT_PIER)})
    sent = api.post("/api/reports/", outside, format="json", HTTP_ACCEPT_LANGUAGE="en")
    refused = conforms(sent, *REPORTS_POST)
    assert refused == {"location": example_of(*REPORTS_POST, "400")["location"]}
    bad_filter = conforms(api.get("/api/reports/", {"bbox": "1,2"}), "/api/reports/", "get")
    assert "bbox" in bad_filter
    missing = conforms(api.get("/api/reports/GD-2026-999999/"), "/api/reports/{reference}/", "get")
    assert set(missing) == {"detail"}
    assert Report.objects.count() == 1  # the refusal saved nothing


REPORTS_POST = ("/api/reports/", "post")


@pytest.mark.django_db
def test_public_reads_answer_as_documented(api):
    conforms(api.get("/api/categories/"), "/api/categories/", "get")
    lon, lat = NEPTUNE_FOUNTAIN
    decision = conforms(
        api.get("/api/routing/", {"lon": lon, "lat": lat, "category": "pothole"}),
        "/api/routing/",
        "get",
    )
    assert decision["unit"]["code"] == "gzdiz"
    place = conforms(api.get("/api/routing/", {"lon": lon, "lat": lat}), "/api/routing/", "get")
    assert place["district"]["slug"] == "srodmiescie"
    conforms(api.get("/api/routing/", {"lon": 18.5695, "lat": 54.4477}), "/api/routing/", "get")
    districts = conforms(api.get("/api/districts/", {"simplify": 50}), "/api/districts/", "get")
    assert len(districts["features"]) == 35
    conforms(api.get("/api/places/", {"q": "Długi Targ"}), "/api/places/", "get")
    conforms(api.get("/api/places/", {"q": "x"}), "/api/places/", "get")


@pytest.mark.django_db
def test_a_photo_upload_answers_as_documented(api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(buffer, "JPEG")
    photo = SimpleUploadedFile("p.jpg", buffer.getvalue())
    stored = conforms(
        api.post("/api/photos/", {"photo": photo}, format="multipart"), "/api/photos/", "post"
    )
    assert stored["gps"] is None
    text = SimpleUploadedFile("p.jpg", b"not a photo")
    conforms(api.post("/api/photos/", {"photo": text}, format="multipart"), "/api/photos/", "post")


@pytest.mark.django_db
def test_the_staff_api_answers_as_documented(
    api,
    make_report: Callable[..., Report],
    token_client: Callable[[str], APIClient],  # noqa: F811  (the fixture imported above)
):
    report = make_report(reporter_email="staff-openapi@example.org")
    dispatcher = token_client("dispatcher")
    case = f"/api/staff/reports/{report.reference}/"
    conforms(dispatcher.get("/api/staff/reports/"), "/api/staff/reports/", "get")
    detail = conforms(dispatcher.get(case), "/api/staff/reports/{reference}/", "get")
    assert detail["properties"]["contact"] is None  # a dispatcher may not see it
    consultant = token_client("consultant")
    detail = conforms(consultant.get(case), "/api/staff/reports/{reference}/", "get")
    assert detail["properties"]["contact"]["email"] == "staff-openapi@example.org"
    intake = {**new_report_body(), "channel": "phone", "priority": "high"}
    taken = consultant.post("/api/staff/reports/", intake, format="json")
    assert conforms(taken, "/api/staff/reports/", "post")["properties"]["channel"] == "phone"
    listed = conforms(consultant.get("/api/staff/reports/"), "/api/staff/reports/", "get")
    assert listed["numberMatched"] == 2
    conforms(dispatcher.get("/api/staff/hotspots/"), "/api/staff/hotspots/", "get")
    coverage = "/api/staff/coverage/"
    conforms(dispatcher.get(coverage, {"category": "pothole"}), coverage, "get")
    conforms(dispatcher.get(coverage, {"category": "nope"}), coverage, "get")
    note = "/api/staff/reports/{reference}/notes/"
    body = {"public_note": "Sprawdzamy.", "version": report.version}
    changed = conforms(dispatcher.post(f"{case}notes/", body, format="json"), note, "post")
    assert changed["properties"]["version"] == report.version + 1
    # Stale, by the body's version (409) and by If-Match (412); a forbidden step (409).
    conforms(dispatcher.post(f"{case}notes/", body, format="json"), note, "post")
    stale = dispatcher.post(f"{case}notes/", body, format="json", HTTP_IF_MATCH='"1"')
    assert conforms(stale, note, "post")["version"] == report.version + 1
    transition = "/api/staff/reports/{reference}/transition/"
    step = {"status": "new"}
    refused = conforms(
        dispatcher.post(f"{case}transition/", step, format="json"), transition, "post"
    )
    assert "allowed" in refused
    # Without credentials, and as someone with no staff role: the examples' very words.
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}  # the examples are in English
    anonymous = conforms(api.get(case, **english), "/api/staff/reports/{reference}/", "get")
    assert anonymous == example_of("/api/staff/reports/{reference}/", "get", "401")
    nobody = token_client("no_role")
    refused = conforms(nobody.get("/api/staff/reports/", **english), "/api/staff/reports/", "get")
    assert refused == example_of("/api/staff/reports/", "get", "403")
    gone = "/api/staff/reports/GD-2026-999999/"
    conforms(dispatcher.get(gone), "/api/staff/reports/{reference}/", "get")


@pytest.mark.django_db
def test_hotspots_and_a_merge_answer_as_documented(
    make_report: Callable[..., Report],
    token_client: Callable[[str], APIClient],  # noqa: F811  (the fixture imported above)
):
    potholes = [make_report("pothole", lon, lat) for lon, lat in ring(NEPTUNE_FOUNTAIN, 6, 30)]
    dispatcher = token_client("dispatcher")
    listed = conforms(dispatcher.get("/api/staff/hotspots/"), "/api/staff/hotspots/", "get")
    hotspot = listed["features"][0]["properties"]
    assert sorted(hotspot["references"]) == sorted(r.reference for r in potholes)
    merge = {"references": hotspot["references"], "into": hotspot["suggested"]}
    merged = conforms(
        dispatcher.post("/api/staff/hotspots/merge/", merge, format="json"),
        "/api/staff/hotspots/merge/",
        "post",
    )
    assert len(merged["properties"]["duplicates"]) == 5
    again = dispatcher.post("/api/staff/hotspots/merge/", merge, format="json")
    assert list(conforms(again, "/api/staff/hotspots/merge/", "post")) == ["references"]  # closed
