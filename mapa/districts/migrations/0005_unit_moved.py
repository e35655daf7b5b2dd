# Units now live in the catalogue app (catalogue 0001 took over their table);
# drop them from this app's state only. From here on, districts is pure
# geography: cities and districts.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("districts", "0004_routingrule_moved"),
        ("reports", "0005_category_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="Unit")],
        ),
    ]
