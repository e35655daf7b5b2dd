"""Partial indexes over open reports, what the public reads (README, Performance).

Built ``CONCURRENTLY``, so that filing and working cases go on while a big table is
indexed: this migration is not atomic. The whole-table geography index goes: only the
nearby search, which reads open reports only, used it; so do the status indexes
(``status`` and its ``LIKE`` twin), which the planner combined with the spatial index to
read every open row.
"""

import django.contrib.gis.db.models.fields
import django.contrib.postgres.indexes
import django.db.models.functions.comparison
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models

OPEN_REPORTS = models.Q(("status__in", ["new", "accepted", "in_progress"]))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("reports", "0009_map_generation"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="report",
            index=django.contrib.postgres.indexes.GistIndex(
                django.db.models.functions.comparison.Cast(
                    "location",
                    django.contrib.gis.db.models.fields.PointField(geography=True, srid=4326),
                ),
                condition=OPEN_REPORTS,
                name="report_open_geog_gist",
            ),
        ),
        AddIndexConcurrently(
            model_name="report",
            index=django.contrib.postgres.indexes.GistIndex(
                condition=OPEN_REPORTS, fields=["location"], name="report_open_location_gist"
            ),
        ),
        AddIndexConcurrently(
            model_name="report",
            index=models.Index(condition=OPEN_REPORTS, fields=["-id"], name="report_open_newest"),
        ),
        RemoveIndexConcurrently(model_name="report", name="report_location_geog_gist"),
        migrations.AlterField(
            model_name="report",
            name="status",
            field=models.CharField(
                choices=[
                    ("new", "new"),
                    ("accepted", "accepted"),
                    ("in_progress", "in progress"),
                    ("resolved", "resolved"),
                    ("rejected", "not the city's responsibility"),
                    ("duplicate", "duplicate"),
                ],
                default="new",
                max_length=12,
            ),
        ),
    ]
