# Categories and their questions now live in the catalogue app (catalogue 0001
# took over their tables); drop them from this app's state only.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("districts", "0004_routingrule_moved"),
        ("reports", "0004_catalogue_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="CategoryAttribute"),
                migrations.DeleteModel(name="Category"),
            ],
        ),
    ]
