"""An old database migrates forward into the catalogue app without losing a row, and back.

A throwaway database is migrated, by ``manage.py`` in subprocesses, to the
state before the catalogue app existed (units and rules in ``districts``,
categories in ``reports``). Rows go into the old tables through SQL, as an
install of that time would hold them: Gdańsk with two real district polygons,
Straż Miejska with a district office, a category with a default unit and a
question, a district rule, a report with its history, a staff member allowed
to edit units, an admin log entry. Then ``manage.py migrate`` runs, and every
row must be found in the catalogue's tables with the same ids and values.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from psycopg.rows import dict_row

from tests.conftest import GDANSK, NEPTUNE_FOUNTAIN, ROOT, WRZESZCZ_GORNY

OLD_STATE = [
    # Django's own apps are unrelated to the move: fully migrated, as they were.
    *((app, None) for app in ("contenttypes", "auth", "admin", "sessions")),
    ("districts", "0002_initial"),
    ("reports", "0002_photos_and_location_source"),
    ("places", "0002_dataset_no_extra_index"),
]
# Old table → new table, for every table whose rows must survive the move.
MOVED_TABLES = {
    "districts_unit": "catalogue_unit",
    "districts_unit_districts": "catalogue_unit_districts",
    "districts_routingrule": "catalogue_routingrule",
    "districts_routingrule_districts": "catalogue_routingrule_districts",
    "reports_category": "catalogue_category",
    "reports_categoryattribute": "catalogue_categoryattribute",
}
KEPT_TABLES = [
    "districts_city",
    "districts_district",
    "reports_report",
    "reports_reportevent",
    "auth_user_user_permissions",
    "django_admin_log",
]
MOVED_MODELS = {
    "unit": "districts",
    "routingrule": "districts",
    "category": "reports",
    "categoryattribute": "reports",
}


# --- the throwaway database ----------------------------------------------------


def database_url(name: str) -> str:
    """A postgis:// URL for database ``name`` on the test run's server, as its role."""
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"], safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgis://{credentials}@{db['HOST']}{port}/{name}"


def connect(url: str, **kwargs: Any) -> psycopg.Connection[dict[str, Any]]:
    return psycopg.connect("postgresql://" + url.split("://", 1)[1], row_factory=dict_row, **kwargs)


def manage(url: str, *args: str) -> str:
    """Run ``manage.py`` against the throwaway database; its output, or a failure showing it."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MAPA_"))},
            "MAPA_ENV": "development",
            "DATABASE_URL": url,
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}"
    return done.stdout


def migrate_to(url: str, targets: list[tuple[str, str | None]]) -> None:
    """``manage.py migrate <app> [<migration>]`` for each target, in one process (for speed)."""
    calls = "\n".join(
        f"call_command('migrate', {app!r}, *{[target] if target else []!r}, interactive=False)"
        for app, target in targets
    )
    manage(url, "shell", "-c", f"from django.core.management import call_command\n{calls}")


@pytest.fixture(scope="module")
def old_database() -> Iterator[str]:
    """A new database at the pre-catalogue state, dropped at the end of the module."""
    name = f"mapa_migrations_{uuid.uuid4().hex[:12]}"
    url = database_url(name)
    server = database_url("postgres")
    with connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with connect(url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        migrate_to(url, OLD_STATE)
        yield url
    finally:
        with connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- what an old install held ----------------------------------------------------


def _feature(path: Path, slug: str | None = None) -> dict[str, Any]:
    features = json.loads(path.read_text("utf-8"))["features"]
    return next(f for f in features if slug is None or f["properties"]["slug"] == slug)


def insert(conn: psycopg.Connection[dict[str, Any]], table: str, **values: Any) -> int:
    """INSERT one row (the id from the table's own sequence, as the app did) and return its id."""
    columns = ", ".join(f'"{column}"' for column in values)
    placeholders = ", ".join(
        "ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(%s), 4326))" if column in GEOMETRIES else "%s"
        for column in values
    )
    row = conn.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING id",
        [json.dumps(v) if isinstance(v, dict | list) else v for v in values.values()],
    ).fetchone()
    assert row is not None
    return int(row["id"])


GEOMETRIES = {"boundary", "geometry"}


def value(
    conn: psycopg.Connection[dict[str, Any]], sql: str, params: list[Any] | None = None
) -> Any:
    """The first column of the one row ``sql`` returns."""
    row = conn.execute(sql, params).fetchone()
    assert row is not None, sql
    return next(iter(row.values()))


def fill_old_tables(conn: psycopg.Connection[dict[str, Any]]) -> dict[str, int]:
    """Realistic rows in the pre-catalogue tables; returns their ids by name."""
    ids: dict[str, int] = {}
    ids["gdansk"] = insert(
        conn,
        "districts_city",
        slug="gdansk",
        name="Gdańsk",
        teryt="2261011",
        served=True,
        reference_prefix="GD",
        boundary=_feature(GDANSK / "gdansk_city_boundary_osm.geojson")["geometry"],
    )
    for slug, name in [("srodmiescie", "Śródmieście"), ("wrzeszcz-gorny", "Wrzeszcz Górny")]:
        ids[slug] = insert(
            conn,
            "districts_district",
            city_id=ids["gdansk"],
            slug=slug,
            name=name,
            geometry=_feature(GDANSK / "gdansk_districts_osm.geojson", slug)["geometry"],
            source="OpenStreetMap",
        )
    unit = {"short_name": "", "phone": "", "is_triage": False, "active": True, "parent_id": None}
    for code, name, extra in [
        ("gck", "Gdańskie Centrum Kontaktu", {"is_triage": True, "phone": "58 52 44 500"}),
        ("gzdiz", "Gdański Zarząd Dróg i Zieleni", {"short_name": "GZDiZ"}),
        ("sm", "Straż Miejska w Gdańsku", {"short_name": "Straż Miejska", "phone": "986"}),
    ]:
        ids[code] = insert(
            conn,
            "districts_unit",
            **{**unit, "code": code, "name": name, "email": f"{code}@gdansk.example", **extra},
        )
    ids["sm-srodmiescie"] = insert(
        conn,
        "districts_unit",
        **{
            **unit,
            "code": "sm-srodmiescie",
            "name": "Straż Miejska, Referat Dzielnicowy Śródmieście",
            "email": "srodmiescie@sm.gdansk.example",
            "parent_id": ids["sm"],
        },
    )
    ids["office_district"] = insert(
        conn,
        "districts_unit_districts",
        unit_id=ids["sm-srodmiescie"],
        district_id=ids["srodmiescie"],
    )
    ids["stray-animal"] = insert(
        conn,
        "reports_category",
        code="stray-animal",
        name_pl="Bezpańskie zwierzę",
        name_en="Stray animal",
        description_pl="Bezpański, ranny lub agresywny pies lub kot",
        description_en="A stray, injured or aggressive dog or cat",
        group="animals",
        icon="paw",
        order=40,
        active=True,
        default_unit_id=ids["gzdiz"],
    )
    ids["animal"] = insert(
        conn,
        "reports_categoryattribute",
        category_id=ids["stray-animal"],
        code="animal",
        datatype="singlevaluelist",
        required=True,
        label_pl="Jakie zwierzę",
        label_en="Which animal",
        values=[{"key": "dog", "name_pl": "pies", "name_en": "dog"}],
        public=True,
        order=10,
    )
    ids["rule"] = insert(
        conn,
        "districts_routingrule",
        category_id=ids["stray-animal"],
        unit_id=ids["sm"],
        note="Straż Miejska takes animals in Śródmieście",
        active=True,
    )
    ids["rule_district"] = insert(
        conn,
        "districts_routingrule_districts",
        routingrule_id=ids["rule"],
        district_id=ids["srodmiescie"],
    )
    ids["report"] = value(
        conn,
        """INSERT INTO reports_report (reference, category_id, location, location_source,
               address, description, attributes, channel, status, district_id, unit_id,
               routing_reason, routing, routing_explanation, reporter_name, reporter_email,
               reporter_phone, created_at, updated_at)
           VALUES ('GD-2026-000001', %s, ST_SetSRID(ST_MakePoint(%s, %s), 4326), 'pin',
               'Długi Targ', 'Pies bez obroży', '{"animal": "dog"}', 'phone', 'new', %s, %s,
               'district_rule', '{"unit_code": "sm-srodmiescie"}', 'Przekazano do: ...',
               'Zofia', 'zofia@example.com', '601 202 303', now(), now())
           RETURNING id""",
        [ids["stray-animal"], *NEPTUNE_FOUNTAIN, ids["srodmiescie"], ids["sm-srodmiescie"]],
    )
    ids["event"] = insert(
        conn,
        "reports_reportevent",
        report_id=ids["report"],
        kind="created",
        created_at="2026-01-05T10:00:00+01:00",
        from_status="",
        to_status="new",
        public_note="",
        internal_note="",
        from_unit_id=ids["gck"],
        to_unit_id=ids["sm-srodmiescie"],
    )
    ids["user"] = insert(
        conn,
        "auth_user",
        password="!",
        is_superuser=False,
        username="sm-dyzurny",
        first_name="",
        last_name="",
        email="",
        is_staff=True,
        is_active=True,
        date_joined="2025-06-01T09:00:00+02:00",
    )
    ids["unit_type"] = value(
        conn, "SELECT id FROM django_content_type WHERE app_label = 'districts' AND model = 'unit'"
    )
    ids["permission"] = value(
        conn,
        "SELECT id FROM auth_permission WHERE content_type_id = %s AND codename = 'change_unit'",
        [ids["unit_type"]],
    )
    ids["user_permission"] = insert(
        conn, "auth_user_user_permissions", user_id=ids["user"], permission_id=ids["permission"]
    )
    ids["log"] = insert(
        conn,
        "django_admin_log",
        action_time="2026-01-05T11:00:00+01:00",
        object_id=str(ids["sm-srodmiescie"]),
        object_repr="Straż Miejska, Referat Dzielnicowy Śródmieście",
        action_flag=2,
        change_message="[]",
        content_type_id=ids["unit_type"],
        user_id=ids["user"],
    )
    return ids


def snapshot(conn: psycopg.Connection[dict[str, Any]], table: str) -> list[dict[str, Any]]:
    """Every row of ``table`` as JSON (geometries as their EWKB hex), in id order."""
    return [row["r"] for row in conn.execute(f"SELECT to_jsonb(t) AS r FROM {table} t ORDER BY id")]


def same_rows(after: list[dict[str, Any]], before: list[dict[str, Any]]) -> bool:
    """Are these the rows of ``before``, with its values? Later migrations may add columns."""
    old_columns = before[0].keys()
    return [{k: row.get(k) for k in old_columns} for row in after] == before


def tables(conn: psycopg.Connection[dict[str, Any]]) -> set[str]:
    rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return {row["tablename"] for row in rows}


def content_types(conn: psycopg.Connection[dict[str, Any]]) -> list[tuple[str, str]]:
    rows = conn.execute("SELECT app_label, model FROM django_content_type ORDER BY id")
    return [(row["app_label"], row["model"]) for row in rows]


def foreign_keys(conn: psycopg.Connection[dict[str, Any]], table: str) -> dict[str, str]:
    """Column → the table its foreign key references, as PostgreSQL holds them."""
    rows = conn.execute(
        """SELECT a.attname AS column_name, c.confrelid::regclass::text AS target
           FROM pg_constraint c
           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
           WHERE c.contype = 'f' AND c.conrelid = %s::regclass""",
        [table],
    )
    return {row["column_name"]: row["target"] for row in rows}


@pytest.fixture(scope="module")
def migrated(old_database: str) -> tuple[str, dict[str, int], dict[str, list[Any]]]:
    """The old database filled, snapshotted, then migrated forward by ``manage.py migrate``."""
    with connect(old_database) as conn:
        ids = fill_old_tables(conn)
        conn.commit()
        before = {table: snapshot(conn, table) for table in [*MOVED_TABLES, *KEPT_TABLES]}
    manage(old_database, "migrate", "--no-input")
    return old_database, ids, before


# --- forward ----------------------------------------------------------------------


def test_every_row_is_in_the_catalogue_tables_with_the_same_ids_and_values(migrated):
    url, _ids, before = migrated
    assert all(before.values()), "every table should have had rows before the migration"
    with connect(url) as conn:
        present = tables(conn)
        assert not present & set(MOVED_TABLES), "the old tables should have been renamed"
        for old, new in MOVED_TABLES.items():
            assert same_rows(snapshot(conn, new), before[old]), new
        for table in KEPT_TABLES:
            assert same_rows(snapshot(conn, table), before[table]), table


# The reports' foreign keys before the move, and the tables they must reference after it.
OLD_FOREIGN_KEYS = {
    "reports_report": {
        "category_id": "catalogue_category",
        "unit_id": "catalogue_unit",
        "district_id": "districts_district",
        "duplicate_of_id": "reports_report",
    },
    "reports_reportevent": {
        "report_id": "reports_report",
        "actor_id": "auth_user",
        "actor_unit_id": "catalogue_unit",
        "from_unit_id": "catalogue_unit",
        "to_unit_id": "catalogue_unit",
    },
}


def test_the_foreign_keys_point_at_the_moved_tables(migrated):
    """The keys of the old columns; later migrations may add more."""
    url, ids, _before = migrated
    with connect(url) as conn:
        for table, keys in OLD_FOREIGN_KEYS.items():
            assert keys.items() <= foreign_keys(conn, table).items(), table
        assert foreign_keys(conn, "catalogue_routingrule_districts") == {
            "routingrule_id": "catalogue_routingrule",
            "district_id": "districts_district",
        }
        assert foreign_keys(conn, "catalogue_unit_districts") == {
            "unit_id": "catalogue_unit",
            "district_id": "districts_district",
        }
        joined = conn.execute(
            """SELECT c.code AS category, u.code AS unit, d.slug AS district,
                      parent.code AS parent, e.to_unit_id, dc.code AS default_unit
               FROM reports_report r
               JOIN catalogue_category c ON c.id = r.category_id
               JOIN catalogue_unit u ON u.id = r.unit_id
               JOIN catalogue_unit parent ON parent.id = u.parent_id
               JOIN catalogue_unit dc ON dc.id = c.default_unit_id
               JOIN districts_district d ON d.id = r.district_id
               JOIN reports_reportevent e ON e.report_id = r.id
               WHERE r.id = %s""",
            [ids["report"]],
        ).fetchone()
        assert joined == {
            "category": "stray-animal",
            "unit": "sm-srodmiescie",
            "district": "srodmiescie",
            "parent": "sm",
            "to_unit_id": ids["sm-srodmiescie"],
            "default_unit": "gzdiz",
        }
        rule_districts = conn.execute(
            """SELECT d.slug FROM catalogue_routingrule r
               JOIN catalogue_routingrule_districts rd ON rd.routingrule_id = r.id
               JOIN districts_district d ON d.id = rd.district_id
               JOIN catalogue_unit u ON u.id = r.unit_id AND u.code = 'sm'
               WHERE r.id = %s""",
            [ids["rule"]],
        ).fetchall()
        assert rule_districts == [{"slug": "srodmiescie"}]


def test_content_types_and_permissions_move_to_the_catalogue(migrated):
    url, ids, _before = migrated
    with connect(url) as conn:
        types = content_types(conn)
        assert len(types) == len(set(types)), "no content type twice"
        for model, old_app in MOVED_MODELS.items():
            assert ("catalogue", model) in types
            assert (old_app, model) not in types
        by_model = {model: [t for t in types if t[1] == model] for model in MOVED_MODELS}
        assert all(len(found) == 1 for found in by_model.values()), by_model
        granted = conn.execute(
            """SELECT ct.id, ct.app_label, ct.model, p.codename
               FROM auth_user_user_permissions up
               JOIN auth_permission p ON p.id = up.permission_id
               JOIN django_content_type ct ON ct.id = p.content_type_id
               WHERE up.user_id = %s""",
            [ids["user"]],
        ).fetchall()
        assert granted == [
            {
                "id": ids["unit_type"],
                "app_label": "catalogue",
                "model": "unit",
                "codename": "change_unit",
            }
        ]
        duplicated_permissions = conn.execute(
            """SELECT content_type_id, codename FROM auth_permission
               GROUP BY content_type_id, codename HAVING count(*) > 1"""
        ).fetchall()
        assert duplicated_permissions == []


# What the migrated database answers through the new code: routing, the staff
# member's permission, the admin log, and a new unit's id from the kept sequence.
CHECK_SCRIPT = """
import json
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.gis.geos import Point
from django.db import transaction
from mapa.catalogue.models import Category, Unit
from mapa.catalogue.routing import route

category = Category.objects.get(code="stray-animal")
answers = {}
for name, (lon, lat) in POINTS.items():
    decision = route(category_id=category.pk, point=Point(lon, lat, srid=4326))
    answers[name] = [decision.district_slug, decision.unit_code, decision.reason.value]
user = User.objects.get(username="sm-dyzurny")
answers["perms"] = [user.has_perm("catalogue.change_unit"), user.has_perm("districts.change_unit")]
entry = LogEntry.objects.get()
answers["log"] = [entry.content_type.app_label, entry.get_edited_object().code]
answers["attribute"] = [a.label_en for a in category.attributes.all()]
with transaction.atomic():
    answers["new_unit_id"] = Unit.objects.create(code="new", name="New", email="n@x.example").pk
    transaction.set_rollback(True)
print(json.dumps(answers))
"""


def test_routing_and_the_admin_work_on_the_migrated_database(migrated):
    url, ids, _before = migrated
    points = {"srodmiescie": NEPTUNE_FOUNTAIN, "wrzeszcz": WRZESZCZ_GORNY}
    output = manage(url, "shell", "-c", f"POINTS = {points!r}\n{CHECK_SCRIPT}")
    answers = json.loads(output.strip().splitlines()[-1])
    # The district rule names Śródmieście and goes to Straż Miejska, whose office there
    # takes it; elsewhere the category's default unit does.
    assert answers["srodmiescie"] == ["srodmiescie", "sm-srodmiescie", "district_rule"]
    assert answers["wrzeszcz"] == ["wrzeszcz-gorny", "gzdiz", "category_default"]
    assert answers["perms"] == [True, False]
    assert answers["log"] == ["catalogue", "sm-srodmiescie"]
    assert answers["attribute"] == ["Which animal"]
    assert answers["new_unit_id"] > max(
        ids[code] for code in ("gck", "gzdiz", "sm", "sm-srodmiescie")
    )


# --- backward ---------------------------------------------------------------------


def test_migrating_back_restores_the_old_tables_and_forward_again_keeps_them(migrated):
    url, ids, before = migrated
    migrate_to(url, [("districts", "0002_initial"), ("reports", "0002_photos_and_location_source")])
    with connect(url) as conn:
        present = tables(conn)
        assert not {t for t in present if t.startswith("catalogue_")}
        for table in [*MOVED_TABLES, *KEPT_TABLES]:
            assert snapshot(conn, table) == before[table], table  # exactly as they were
        assert foreign_keys(conn, "reports_report")["category_id"] == "reports_category"
        assert foreign_keys(conn, "reports_report")["unit_id"] == "districts_unit"
        types = content_types(conn)
        assert len(types) == len(set(types))
        for model, old_app in MOVED_MODELS.items():
            assert (old_app, model) in types
            assert ("catalogue", model) not in types
        granted = conn.execute(
            """SELECT ct.app_label, ct.model FROM auth_user_user_permissions up
               JOIN auth_permission p ON p.id = up.permission_id
               JOIN django_content_type ct ON ct.id = p.content_type_id
               WHERE up.user_id = %s""",
            [ids["user"]],
        ).fetchall()
        assert granted == [{"app_label": "districts", "model": "unit"}]

    manage(url, "migrate", "--no-input")
    with connect(url) as conn:
        for old, new in MOVED_TABLES.items():
            assert same_rows(snapshot(conn, new), before[old]), new
        assert ("catalogue", "unit") in content_types(conn)
