"""The map's change counters (mapa/reports/map_cache.py): one row per map area, bumped by
triggers in the transaction of every write that changes what the map shows.

An area is a Web Mercator (EPSG:3857) tile at zoom 13 (about 1.4 km across in Gdańsk);
the row ``(-1, -1)`` counts changes that touch every area (categories, units, districts,
and a TRUNCATE). The triggers are per statement, over the transition tables, so a bulk
``INSERT … SELECT`` of a million reports bumps each area once, in a fixed order.

The table has no Django model on purpose: the test runner's flush (TRUNCATE of every
model's table) must not reset it, or a count could repeat and a cached map area be
taken for current.
"""

from django.db import migrations

AREA_ZOOM = 13  # as mapa.reports.tiles.AREA_ZOOM
HALF = 20037508.342789244  # half the Web Mercator world, metres (pi * EARTH_RADIUS)
EARTH_RADIUS = 6378137.0
MAX_LATITUDE = 85.0511287798066
AREA = 2 * HALF / 2**AREA_ZOOM  # an area's side, Mercator metres

# A report's area, by Web Mercator's formulas as mapa.reports.tiles.GRID_X/GRID_Y.
AREA_OF = f"""
    SELECT DISTINCT
        floor((radians(ST_X(location)) * {EARTH_RADIUS} + {HALF}) / {AREA})::int AS zx,
        floor(({HALF} - ln(tan(pi() / 4 + radians(greatest(-{MAX_LATITUDE},
            least({MAX_LATITUDE}, ST_Y(location)))) / 2)) * {EARTH_RADIUS}) / {AREA})::int AS zy
    FROM %s
"""

BUMP = """
    INSERT INTO reports_map_generation AS m (zx, zy, generation)
    SELECT zx, zy, 1 FROM ({areas}) areas ORDER BY zx, zy
    ON CONFLICT (zx, zy) DO UPDATE SET generation = m.generation + 1;
"""

PHOTO_REPORTS = "(SELECT r.location FROM {} p JOIN reports_report r ON r.id = p.report_id) b"
BOTH = "(SELECT {0} FROM old_rows UNION ALL SELECT {0} FROM new_rows)"

FORWARD = f"""
CREATE TABLE reports_map_generation (
    zx integer NOT NULL,
    zy integer NOT NULL,
    generation bigint NOT NULL,
    PRIMARY KEY (zx, zy)
);

-- The counter for every area starts at a random value: a database made anew (a test run,
-- a benchmark's reload) never repeats an old database's sums, which a shared cache keeps.
INSERT INTO reports_map_generation VALUES (-1, -1, (random() * 1e12)::bigint);

CREATE FUNCTION reports_map_bump_reports() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {BUMP.format(areas=AREA_OF % "new_rows")}
    ELSIF TG_OP = 'DELETE' THEN
        {BUMP.format(areas=AREA_OF % "old_rows")}
    ELSE
        {BUMP.format(areas=AREA_OF % (BOTH.format("location") + " b"))}
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION reports_map_bump_photos() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {BUMP.format(areas=AREA_OF % PHOTO_REPORTS.format("new_rows"))}
    ELSIF TG_OP = 'DELETE' THEN
        {BUMP.format(areas=AREA_OF % PHOTO_REPORTS.format("old_rows"))}
    ELSE
        {BUMP.format(areas=AREA_OF % PHOTO_REPORTS.format(BOTH.format("report_id")))}
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION reports_map_bump_everywhere() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reports_map_generation AS m (zx, zy, generation) VALUES (-1, -1, 1)
    ON CONFLICT (zx, zy) DO UPDATE SET generation = m.generation + 1;
    RETURN NULL;
END $$;

CREATE TRIGGER map_bump_insert AFTER INSERT ON reports_report
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reports_map_bump_reports();
CREATE TRIGGER map_bump_update AFTER UPDATE ON reports_report
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reports_map_bump_reports();
CREATE TRIGGER map_bump_delete AFTER DELETE ON reports_report
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reports_map_bump_reports();
CREATE TRIGGER map_bump_truncate AFTER TRUNCATE ON reports_report
    FOR EACH STATEMENT EXECUTE FUNCTION reports_map_bump_everywhere();

CREATE TRIGGER map_bump_insert AFTER INSERT ON reports_reportphoto
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reports_map_bump_photos();
CREATE TRIGGER map_bump_update AFTER UPDATE ON reports_reportphoto
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reports_map_bump_photos();
CREATE TRIGGER map_bump_delete AFTER DELETE ON reports_reportphoto
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reports_map_bump_photos();

CREATE TRIGGER map_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON catalogue_category
    FOR EACH STATEMENT EXECUTE FUNCTION reports_map_bump_everywhere();
CREATE TRIGGER map_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON catalogue_unit
    FOR EACH STATEMENT EXECUTE FUNCTION reports_map_bump_everywhere();
CREATE TRIGGER map_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON districts_district
    FOR EACH STATEMENT EXECUTE FUNCTION reports_map_bump_everywhere();
"""

BACKWARD = """
DROP TRIGGER map_bump ON districts_district;
DROP TRIGGER map_bump ON catalogue_unit;
DROP TRIGGER map_bump ON catalogue_category;
DROP TRIGGER map_bump_delete ON reports_reportphoto;
DROP TRIGGER map_bump_update ON reports_reportphoto;
DROP TRIGGER map_bump_insert ON reports_reportphoto;
DROP TRIGGER map_bump_truncate ON reports_report;
DROP TRIGGER map_bump_delete ON reports_report;
DROP TRIGGER map_bump_update ON reports_report;
DROP TRIGGER map_bump_insert ON reports_report;
DROP FUNCTION reports_map_bump_everywhere();
DROP FUNCTION reports_map_bump_photos();
DROP FUNCTION reports_map_bump_reports();
DROP TABLE reports_map_generation;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0008_media_url_and_sync_index"),
        ("catalogue", "0003_audit_trail"),
        ("districts", "0006_audit_trail"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
