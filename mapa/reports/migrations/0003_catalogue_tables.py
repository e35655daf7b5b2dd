# Categories and their questions move to the catalogue app (mapa/catalogue).
# Step 1 of the move: their tables take the catalogue's names, rows untouched.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_photos_and_location_source"),
    ]

    operations = [
        migrations.AlterModelTable(name="category", table="catalogue_category"),
        migrations.AlterModelTable(
            name="categoryattribute", table="catalogue_categoryattribute"
        ),
    ]
