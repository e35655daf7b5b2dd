# Units and routing rules move to the catalogue app (mapa/catalogue). Step 1 of
# the move: their tables take the catalogue's names, rows and keys untouched.
# The models leave this app's state in 0004 and 0005; see catalogue 0001.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("districts", "0002_initial"),
    ]

    operations = [
        # AlterModelTable renames the auto-created many-to-many tables too
        # (districts_unit_districts → catalogue_unit_districts, and the rules').
        migrations.AlterModelTable(name="unit", table="catalogue_unit"),
        migrations.AlterModelTable(name="routingrule", table="catalogue_routingrule"),
    ]
