# Reports now point at the catalogue's Category and Unit. The foreign keys in
# the database already do (the tables were renamed, not copied), so this only
# changes the migration state.

import django.db.models.deletion
from django.db import migrations, models


def _unit(**kwargs):
    return models.ForeignKey(to="catalogue.unit", **kwargs)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0001_initial"),
        ("reports", "0003_catalogue_tables"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="report",
                    name="category",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reports",
                        to="catalogue.category",
                    ),
                ),
                migrations.AlterField(
                    model_name="report",
                    name="unit",
                    field=_unit(
                        on_delete=django.db.models.deletion.PROTECT, related_name="reports"
                    ),
                ),
                *(
                    migrations.AlterField(
                        model_name="reportevent",
                        name=name,
                        field=_unit(
                            blank=True,
                            null=True,
                            on_delete=django.db.models.deletion.SET_NULL,
                            related_name="+",
                        ),
                    )
                    for name in ("actor_unit", "from_unit", "to_unit")
                ),
            ],
        ),
    ]
