"""mapa/staff/filters.py through GET /api/staff/reports/: each filter alone and combined.

Every answer is checked three ways: against the cases written out here, against a
count PostgreSQL makes directly (raw SQL written in this file), and in its
``numberMatched`` and per-status ``counts``.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

import pytest
from django.db import connection

from mapa.reports.models import Report
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY

pytestmark = pytest.mark.django_db

API = "/api/staff/reports/"
STATUSES = ["new", "accepted", "in_progress", "resolved", "rejected", "duplicate"]
# Aniołki (Straż Miejska's Śródmieście office) and Wrzeszcz Dolny (its Wrzeszcz office) share
# a border; the drawn area is a rectangle around a point of that border.
WEST_SIDE, EAST_SIDE = "aniolki", "wrzeszcz-dolny"
HALF_WIDTH, HALF_HEIGHT = 0.004, 0.0025  # degrees: about 260 m by 280 m


def sql_rows(sql: str, params: list | tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def border_rectangle() -> dict:
    """A GeoJSON rectangle around a point on the border of Aniołki and Wrzeszcz Dolny."""
    [(x, y)] = sql_rows(
        """SELECT ST_X(p), ST_Y(p) FROM (
               SELECT ST_PointOnSurface(ST_Intersection(a.geometry, b.geometry)) AS p
               FROM districts_district a, districts_district b
               WHERE a.slug = %s AND b.slug = %s) border""",
        [WEST_SIDE, EAST_SIDE],
    )
    ring = [
        [x - HALF_WIDTH, y - HALF_HEIGHT],
        [x + HALF_WIDTH, y - HALF_HEIGHT],
        [x + HALF_WIDTH, y + HALF_HEIGHT],
        [x - HALF_WIDTH, y + HALF_HEIGHT],
        [x - HALF_WIDTH, y - HALF_HEIGHT],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def points_inside(area: dict, district: str, count: int) -> list[tuple[float, float]]:
    """``count`` points of ``district`` inside ``area`` (a fixed seed: the same every run)."""
    return sql_rows(
        """SELECT ST_X(dump.geom), ST_Y(dump.geom) FROM ST_Dump(ST_GeneratePoints(
               ST_Intersection(ST_SetSRID(ST_GeomFromGeoJSON(%s), 4326),
                               (SELECT geometry FROM districts_district WHERE slug = %s)),
               %s, 7)) AS dump ORDER BY dump.path""",
        [json.dumps(area), district, count],
    )


def square_around(lon: float, lat: float, half: float = 0.001) -> list[list[list[float]]]:
    return [
        [
            [lon - half, lat - half],
            [lon + half, lat - half],
            [lon + half, lat + half],
            [lon - half, lat + half],
            [lon - half, lat - half],
        ]
    ]


def at(day: int, month: int = 3) -> datetime:
    return datetime(2025, month, day, 10, 0, tzinfo=UTC)


@pytest.fixture
def world(make_report, token_client):
    """Eight cases around the city, with known channels, statuses, dates and deadlines."""
    assert Report.objects.count() == 0
    area = border_rectangle()
    west = points_inside(area, WEST_SIDE, 2)
    east = points_inside(area, EAST_SIDE, 2)
    dog = {"attributes": {"animal": "dog"}}
    specs = {
        # name: (category, (lon, lat), channel, status, due (day of April 2025 or None),
        #        description, address, extra)
        "r1": ("pothole", west[0], "web", "new", None, "Dziura w jezdni", "", {}),
        "r2": ("tree-greenery", west[1], "phone", "accepted", None, "Złamana gałąź", "", {}),
        "r3": ("stray-animal", east[0], "sms", "in_progress", None, "Pies biega", "", dog),
        "r4": ("pothole", east[1], "email", "resolved", None, "Dziura załatana", "", {}),
        "r5": (
            "pothole",
            NEPTUNE_FOUNTAIN,
            "web",
            "new",
            "past",
            "Głęboka dziura przy fontannie",
            "Długi Targ 1",
            {},
        ),
        "r6": ("litter-dump", NEPTUNE_FOUNTAIN, "chat", "new", "future", "Worki śmieci", "", {}),
        "r7": ("stray-animal", WRZESZCZ_GORNY, "social", "rejected", "past", "Kot", "", dog),
        "r8": ("other", WRZESZCZ_GORNY, "phone", "accepted", "past", "Inne", "Grunwaldzka 100", {}),
    }
    made = {}
    for day, (name, spec) in enumerate(specs.items(), start=1):
        code, (lon, lat), channel, status, due, description, address, extra = spec
        report = make_report(
            code, lon, lat, description=description, address=address, channel=channel, **extra
        )
        Report.objects.filter(pk=report.pk).update(
            status=status,
            created_at=at(day),
            updated_at=at(day, month=4),
            due_at={"past": at(1, 1), "future": datetime(2099, 1, 1, tzinfo=UTC), None: None}[due],
        )
        made[name] = Report.objects.get(pk=report.pk)
    # The drawn area really crosses the border, and the cases are where they should be.
    districts = {name: report.district.slug for name, report in made.items()}
    assert districts == {
        "r1": "aniolki",
        "r2": "aniolki",
        "r3": "wrzeszcz-dolny",
        "r4": "wrzeszcz-dolny",
        "r5": "srodmiescie",
        "r6": "srodmiescie",
        "r7": "wrzeszcz-gorny",
        "r8": "wrzeszcz-gorny",
    }
    units = {name: report.unit.code for name, report in made.items()}
    assert units == {
        "r1": "gzdiz",
        "r2": "gzdiz",
        "r3": "sm-wrzeszcz",
        "r4": "gzdiz",
        "r5": "gzdiz",
        "r6": "sm-srodmiescie",
        "r7": "sm-wrzeszcz",
        "r8": "gck",
    }
    return {"area": area, "reports": made, "client": token_client("consultant")}


def sql_count(where: str, params: list) -> tuple[set[str], dict[str, int]]:
    """References and counts per status, straight from PostgreSQL."""
    rows = sql_rows(
        f"""SELECT r.reference, r.status FROM reports_report r
            JOIN catalogue_category c ON c.id = r.category_id
            JOIN catalogue_unit u ON u.id = r.unit_id
            LEFT JOIN catalogue_unit parent ON parent.id = u.parent_id
            LEFT JOIN districts_district d ON d.id = r.district_id
            WHERE {where}""",
        params,
    )
    counts = dict.fromkeys(STATUSES, 0)
    for _, status in rows:
        counts[status] += 1
    return {reference for reference, _ in rows}, counts


def check(world, query: dict, expected: set[str], where: str, params: list | None = None):
    response = world["client"].get(API, {**query, "limit": 1000})
    assert response.status_code == 200, response.content
    body = response.json()
    listed = {f["id"] for f in body["features"]}
    refs = {world["reports"][name].reference for name in expected}
    sql_refs, sql_counts = sql_count(where, params or [])
    assert sql_refs == refs, "the SQL and the expected cases disagree: fix the test"
    assert listed == refs
    assert body["numberMatched"] == len(expected) == body["numberReturned"]
    assert body["counts"] == sql_counts
    assert sum(body["counts"].values()) == len(expected)


def geojson(area: dict) -> str:
    return json.dumps(area)


def test_no_filter_lists_everything(world):
    check(world, {}, {"r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8"}, "TRUE")


@pytest.mark.parametrize(
    ("value", "expected", "where", "params"),
    [
        ("aniolki", {"r1", "r2"}, "d.slug = %s", ["aniolki"]),
        ("aniolki,wrzeszcz-dolny", {"r1", "r2", "r3", "r4"}, "d.slug IN (%s, %s)",
         ["aniolki", "wrzeszcz-dolny"]),
        ("srodmiescie, wrzeszcz-gorny", {"r5", "r6", "r7", "r8"}, "d.slug IN (%s, %s)",
         ["srodmiescie", "wrzeszcz-gorny"]),
        ("oliwa", set(), "d.slug = %s", ["oliwa"]),
    ],
)  # fmt: skip
def test_district(world, value, expected, where, params):
    check(world, {"district": value}, expected, where, params)


def test_a_drawn_polygon_across_a_district_border(world):
    area = world["area"]
    check(
        world,
        {"polygon": geojson(area)},
        {"r1", "r2", "r3", "r4"},
        "ST_Intersects(r.location, ST_SetSRID(ST_GeomFromGeoJSON(%s), 4326))",
        [geojson(area)],
    )


def test_a_drawn_multipolygon(world):
    rectangle = world["area"]["coordinates"]
    area = {"type": "MultiPolygon", "coordinates": [rectangle, square_around(*NEPTUNE_FOUNTAIN)]}
    check(
        world,
        {"polygon": geojson(area)},
        {"r1", "r2", "r3", "r4", "r5", "r6"},
        "ST_Intersects(r.location, ST_SetSRID(ST_GeomFromGeoJSON(%s), 4326))",
        [geojson(area)],
    )


def test_a_polygon_with_a_hole_leaves_out_what_is_in_the_hole(world):
    outer = square_around(*NEPTUNE_FOUNTAIN, half=0.01)[0]
    hole = square_around(*NEPTUNE_FOUNTAIN, half=0.001)[0][::-1]
    area = {"type": "Polygon", "coordinates": [outer, hole]}
    check(
        world,
        {"polygon": geojson(area)},
        set(),
        "ST_Intersects(r.location, ST_SetSRID(ST_GeomFromGeoJSON(%s), 4326))",
        [geojson(area)],
    )


def test_bbox(world):
    [ring] = world["area"]["coordinates"]
    minx, miny = ring[0]
    maxx, maxy = ring[2]
    check(
        world,
        {"bbox": f"{minx},{miny},{maxx},{maxy}"},
        {"r1", "r2", "r3", "r4"},
        "ST_Intersects(r.location, ST_MakeEnvelope(%s, %s, %s, %s, 4326))",
        [minx, miny, maxx, maxy],
    )
    lon, lat = NEPTUNE_FOUNTAIN
    check(
        world,
        {"bbox": f"{lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}"},
        {"r5", "r6"},
        "ST_Intersects(r.location, ST_MakeEnvelope(%s, %s, %s, %s, 4326))",
        [lon - 0.001, lat - 0.001, lon + 0.001, lat + 0.001],
    )


@pytest.mark.parametrize(
    ("value", "expected", "where", "params"),
    [
        ("pothole", {"r1", "r4", "r5"}, "c.code = %s", ["pothole"]),
        ("pothole,stray-animal", {"r1", "r3", "r4", "r5", "r7"}, "c.code IN (%s, %s)",
         ["pothole", "stray-animal"]),
        ("other", {"r8"}, "c.code = %s", ["other"]),
    ],
)  # fmt: skip
def test_category(world, value, expected, where, params):
    check(world, {"category": value}, expected, where, params)


@pytest.mark.parametrize(
    ("value", "expected", "where", "params"),
    [
        ("new", {"r1", "r5", "r6"}, "r.status = %s", ["new"]),
        ("open", {"r1", "r2", "r3", "r5", "r6", "r8"}, "r.status IN (%s, %s, %s)",
         ["new", "accepted", "in_progress"]),
        ("resolved,rejected", {"r4", "r7"}, "r.status IN (%s, %s)", ["resolved", "rejected"]),
        ("duplicate", set(), "r.status = %s", ["duplicate"]),
    ],
)  # fmt: skip
def test_status(world, value, expected, where, params):
    check(world, {"status": value}, expected, where, params)


@pytest.mark.parametrize(
    ("value", "expected", "where", "params"),
    [
        ("gzdiz", {"r1", "r2", "r4", "r5"}, "u.code = %s", ["gzdiz"]),
        # A parent unit also selects its district offices' cases.
        ("sm", {"r3", "r6", "r7"}, "(u.code = %s OR parent.code = %s)", ["sm", "sm"]),
        ("sm-wrzeszcz", {"r3", "r7"}, "u.code = %s", ["sm-wrzeszcz"]),
        ("gck,sm-srodmiescie", {"r6", "r8"}, "u.code IN (%s, %s)", ["gck", "sm-srodmiescie"]),
    ],
)  # fmt: skip
def test_unit(world, value, expected, where, params):
    check(world, {"unit": value}, expected, where, params)


@pytest.mark.parametrize(
    ("value", "expected", "where", "params"),
    [
        ("phone", {"r2", "r8"}, "r.channel = %s", ["phone"]),
        ("sms,email", {"r3", "r4"}, "r.channel IN (%s, %s)", ["sms", "email"]),
        ("web", {"r1", "r5"}, "r.channel = %s", ["web"]),
    ],
)  # fmt: skip
def test_channel(world, value, expected, where, params):
    check(world, {"channel": value}, expected, where, params)


def test_created_after_and_before(world):
    after, before = "2025-03-04T00:00:00Z", "2025-03-03T00:00:00Z"
    check(
        world,
        {"created_after": after},
        {"r4", "r5", "r6", "r7", "r8"},
        "r.created_at >= %s",
        [after],
    )
    check(world, {"created_before": before}, {"r1", "r2"}, "r.created_at < %s", [before])
    check(
        world,
        {"created_after": "2025-03-02T10:00:00Z", "created_before": "2025-03-05T10:00:00Z"},
        {"r2", "r3", "r4"},  # from inclusive, to exclusive
        "r.created_at >= %s AND r.created_at < %s",
        ["2025-03-02T10:00:00Z", "2025-03-05T10:00:00Z"],
    )


def test_updated_after(world):
    after = "2025-04-06T00:00:00+02:00"
    check(world, {"updated_after": after}, {"r6", "r7", "r8"}, "r.updated_at >= %s", [after])


def test_overdue(world):
    # Open and past the due date: r5 (new) and r8 (accepted); r7 is past it but rejected.
    late = "r.due_at < now() AND r.status IN ('new', 'accepted', 'in_progress')"
    check(world, {"overdue": "true"}, {"r5", "r8"}, late)
    check(
        world,
        {"overdue": "false"},
        {"r1", "r2", "r3", "r4", "r6", "r7"},
        f"NOT ({late}) OR r.due_at IS NULL",
    )


def test_overdue_follows_the_due_date(world):
    Report.objects.filter(pk=world["reports"]["r6"].pk).update(due_at=at(2, 2))
    late = "r.due_at < now() AND r.status IN ('new', 'accepted', 'in_progress')"
    check(world, {"overdue": "true"}, {"r5", "r6", "r8"}, late)


def test_q_finds_the_reference(world):
    reference = world["reports"]["r3"].reference
    check(world, {"q": reference}, {"r3"}, "r.reference = %s", [reference])
    check(world, {"q": reference.lower()}, {"r3"}, "r.reference = %s", [reference])


def test_q_finds_description_words_in_any_case(world):
    check(world, {"q": "DZIURA"}, {"r1", "r4", "r5"}, "r.description ILIKE %s", ["%dziura%"])
    check(
        world,
        {"q": "dziura fontannie"},  # every word must be found
        {"r5"},
        "r.description ILIKE %s AND r.description ILIKE %s",
        ["%dziura%", "%fontannie%"],
    )


def test_q_finds_address_words(world):
    check(world, {"q": "grunwaldzka"}, {"r8"}, "r.address ILIKE %s", ["%grunwaldzka%"])
    check(world, {"q": "Długi targ"}, {"r5"}, "r.address ILIKE %s", ["%długi targ%"])
    check(world, {"q": "nic-takiego"}, set(), "FALSE")


def test_filters_combine(world):
    area = geojson(world["area"])
    inside = "ST_Intersects(r.location, ST_SetSRID(ST_GeomFromGeoJSON(%s), 4326))"
    check(
        world,
        {"polygon": area, "category": "pothole"},
        {"r1", "r4"},
        f"{inside} AND c.code = 'pothole'",
        [area],
    )
    check(
        world,
        {"polygon": area, "status": "open", "channel": "phone"},
        {"r2"},
        f"{inside} AND r.status IN ('new', 'accepted', 'in_progress') AND r.channel = 'phone'",
        [area],
    )
    check(
        world,
        {"district": "srodmiescie,wrzeszcz-gorny", "overdue": "true"},
        {"r5", "r8"},
        "d.slug IN ('srodmiescie', 'wrzeszcz-gorny') AND r.due_at < now()"
        " AND r.status IN ('new', 'accepted', 'in_progress')",
    )
    check(
        world,
        {"unit": "sm", "created_after": "2025-03-03T00:00:00Z", "status": "open"},
        {"r3", "r6"},
        "(u.code = 'sm' OR parent.code = 'sm') AND r.created_at >= '2025-03-03T00:00:00Z'"
        " AND r.status IN ('new', 'accepted', 'in_progress')",
    )
    check(
        world,
        {
            "polygon": area,
            "district": "wrzeszcz-dolny",
            "q": "dziura",
            "updated_after": "2025-04-02T00:00:00Z",
            "channel": "email",
        },
        {"r4"},
        f"{inside} AND d.slug = 'wrzeszcz-dolny' AND r.description ILIKE '%%dziura%%'"
        " AND r.updated_at >= '2025-04-02T00:00:00Z' AND r.channel = 'email'",
        [area],
    )
    check(
        world,
        {"polygon": area, "district": "srodmiescie"},  # disjoint: nothing
        set(),
        "FALSE",
    )


def test_counts_and_number_matched_are_for_the_whole_filter_not_the_page(world):
    response = world["client"].get(API, {"status": "open", "limit": 2})
    body = response.json()
    assert body["numberReturned"] == 2
    assert body["numberMatched"] == 6
    assert body["counts"] == {
        "new": 3,
        "accepted": 2,
        "in_progress": 1,
        "resolved": 0,
        "rejected": 0,
        "duplicate": 0,
    }
    seen = {f["id"] for f in body["features"]}
    while body["next"]:
        body = world["client"].get(body["next"]).json()
        assert body["numberMatched"] == 6
        seen |= {f["id"] for f in body["features"]}
    assert len(seen) == 6


def test_unit_staff_filter_within_their_own_cases(world, client_as):
    client = client_as("unit_sm")
    body = client.get(API).json()
    refs = {world["reports"][n].reference for n in ("r3", "r6", "r7")}
    assert {f["id"] for f in body["features"]} == refs
    assert body["numberMatched"] == 3
    assert body["counts"] == {
        "new": 1,
        "accepted": 0,
        "in_progress": 1,
        "resolved": 0,
        "rejected": 1,
        "duplicate": 0,
    }
    # Asking for another unit's cases finds none of them.
    body = client.get(API, {"unit": "gzdiz"}).json()
    assert (body["numberMatched"], body["features"]) == (0, [])
    assert set(body["counts"].values()) == {0}


# --- bad input: a 400 naming the parameter -------------------------------------------------

BOW_TIE = {
    "type": "Polygon",
    "coordinates": [
        [[18.60, 54.35], [18.65, 54.40], [18.65, 54.35], [18.60, 54.40], [18.60, 54.35]]
    ],
}


def circle(vertices: int) -> dict:
    """A valid polygon around Neptune's Fountain with ``vertices`` positions, the last = first."""
    lon, lat = NEPTUNE_FOUNTAIN
    ring = [
        [
            round(lon + 0.01 * math.cos(2 * math.pi * i / (vertices - 1)), 7),
            round(lat + 0.01 * math.sin(2 * math.pi * i / (vertices - 1)), 7),
        ]
        for i in range(vertices - 1)
    ]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def polygon(kind: str, coordinates: object) -> dict[str, str]:
    return {"polygon": json.dumps({"type": kind, "coordinates": coordinates})}


SQUARE_IN_METRES = [[[2e6, 7e6], [2.1e6, 7e6], [2.1e6, 7.1e6], [2e6, 7e6]]]  # not WGS84


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"polygon": json.dumps(BOW_TIE)}, "polygon"),
        ({"polygon": json.dumps(circle(600))}, "polygon"),
        ({"polygon": json.dumps(circle(502))}, "polygon"),
        ({"polygon": "not json"}, "polygon"),
        ({"polygon": "{"}, "polygon"),
        ({"polygon": "[1, 2, 3]"}, "polygon"),
        (polygon("LineString", [[18.6, 54.3], [18.7, 54.4]]), "polygon"),
        (polygon("Point", [18.6, 54.3]), "polygon"),
        (polygon("Polygon", [[[18.6, 54.3], [18.7, 54.4]]]), "polygon"),  # not a ring
        (polygon("Polygon", SQUARE_IN_METRES), "polygon"),
        # What GDAL cannot read at all (these were 500s).
        (polygon("Polygon", []), "polygon"),
        ({"polygon": json.dumps({"type": "Polygon"})}, "polygon"),
        (polygon("Polygon", "x"), "polygon"),
        (polygon("Polygon", [[["a", "b"], [1, 2], [3, 4], ["a", "b"]]]), "polygon"),
        (polygon("Polygon", [[[None, 54.3], [18.7, 54.3], [18.7, 54.4], [None, 54.3]]]), "polygon"),
        (polygon("MultiPolygon", [[]]), "polygon"),
        # Not "no filter": a dispatcher asking for overdue cases must not get all of them.
        ({"overdue": "maybe"}, "overdue"),
        ({"overdue": "yes"}, "overdue"),
        ({"unit": "gzdiz,no-such-unit"}, "unit"),
        ({"status": "closed"}, "status"),
        ({"category": "potholes"}, "category"),
        ({"district": "atlantis"}, "district"),
        ({"channel": "fax"}, "channel"),
        ({"created_after": "2025-13-45"}, "created_after"),
        ({"created_before": "yesterday"}, "created_before"),
        ({"updated_after": "2025-02-30T10:00:00Z"}, "updated_after"),
        ({"bbox": "18.6,54.3,18.7"}, "bbox"),
        ({"bbox": "18.7,54.3,18.6,54.4"}, "bbox"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(world, params, field):
    response = world["client"].get(API, params)
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]


def test_several_bad_parameters_are_all_named(world):
    response = world["client"].get(
        API, {"unit": "nope", "district": "atlantis", "created_after": "soon"}
    )
    assert response.status_code == 400
    assert sorted(response.json()) == ["created_after", "district", "unit"]


def test_the_vertex_cap_leaves_a_detailed_drawing_alone(world):
    area = circle(500)
    check(
        world,
        {"polygon": json.dumps(area)},
        {"r5", "r6"},
        "ST_Intersects(r.location, ST_SetSRID(ST_GeomFromGeoJSON(%s), 4326))",
        [json.dumps(area)],
    )


def test_the_error_says_what_is_wrong_with_the_area(world):
    client = world["client"]
    crossing = client.get(API, {"polygon": json.dumps(BOW_TIE)}, HTTP_ACCEPT_LANGUAGE="en")
    assert "crosses itself" in crossing.json()["polygon"][0]
    too_many = client.get(API, {"polygon": json.dumps(circle(600))}, HTTP_ACCEPT_LANGUAGE="en")
    assert "600" in too_many.json()["polygon"][0]
    assert "500" in too_many.json()["polygon"][0]
