# Routing rules now live in the catalogue app (catalogue 0001 took over their
# table); drop them from this app's state only.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("districts", "0003_catalogue_tables"),
        ("reports", "0004_catalogue_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="RoutingRule")],
        ),
    ]
