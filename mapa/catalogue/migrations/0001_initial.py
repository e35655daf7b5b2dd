# Units, categories (with their questions) and routing rules move here from
# the districts and reports apps, with their tables and rows kept: the old
# apps renamed the tables to these names first (districts 0003, reports 0003),
# so this migration only adds the models to the catalogue's state, and moves
# their content types (and so the permissions and admin history that point at
# them) to this app. The old apps then drop the models from their state.

import django.db.models.deletion
from django.db import migrations, models

MOVED = {"districts": ["unit", "routingrule"], "reports": ["category", "categoryattribute"]}


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for app_label, models_ in MOVED.items():
        for model in models_:
            if ContentType.objects.filter(app_label="catalogue", model=model).exists():
                continue  # created by a post_migrate signal on an earlier, partial run
            ContentType.objects.filter(app_label=app_label, model=model).update(
                app_label="catalogue"
            )


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for app_label, models_ in MOVED.items():
        ContentType.objects.filter(app_label="catalogue", model__in=models_).update(
            app_label=app_label
        )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("districts", "0003_catalogue_tables"),
        ("reports", "0003_catalogue_tables"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Category',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(help_text='Open311 service_code.', max_length=40, unique=True)),
                        ('name_pl', models.CharField(max_length=100, verbose_name='name (Polish)')),
                        ('name_en', models.CharField(max_length=100, verbose_name='name (English)')),
                        ('description_pl', models.CharField(blank=True, max_length=300)),
                        ('description_en', models.CharField(blank=True, max_length=300)),
                        ('group', models.CharField(blank=True, help_text='Open311 group.', max_length=40)),
                        ('icon', models.CharField(blank=True, help_text='Icon name for the map.', max_length=40)),
                        ('order', models.PositiveSmallIntegerField(default=100)),
                        ('active', models.BooleanField(default=True)),
                    ],
                    options={
                        'verbose_name': 'category',
                        'verbose_name_plural': 'categories',
                        'ordering': ['order', 'code'],
                    },
                ),
                migrations.CreateModel(
                    name='Unit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=40, unique=True)),
                        ('name', models.CharField(max_length=200)),
                        ('short_name', models.CharField(blank=True, max_length=60)),
                        ('email', models.EmailField(help_text='Where the unit receives notifications.', max_length=254)),
                        ('phone', models.CharField(blank=True, max_length=40)),
                        ('is_triage', models.BooleanField(default=False, help_text='The first-line unit (GCK) that triages reports no rule routes elsewhere.')),
                        ('active', models.BooleanField(default=True)),
                        ('districts', models.ManyToManyField(blank=True, help_text='Districts this unit covers, if it is district-based.', related_name='units', to='districts.district')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='offices', to='catalogue.unit')),
                    ],
                    options={
                        'verbose_name': 'unit',
                        'verbose_name_plural': 'units',
                        'ordering': ['code'],
                    },
                ),
                migrations.CreateModel(
                    name='RoutingRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('note', models.CharField(blank=True, help_text='Why this rule exists; shown in explanations.', max_length=200)),
                        ('active', models.BooleanField(default=True)),
                        ('category', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='routing_rules', to='catalogue.category')),
                        ('districts', models.ManyToManyField(blank=True, help_text='Leave empty for a city-wide rule.', related_name='routing_rules', to='districts.district')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='routing_rules', to='catalogue.unit')),
                    ],
                    options={
                        'verbose_name': 'routing rule',
                        'verbose_name_plural': 'routing rules',
                        'ordering': ['category', 'id'],
                    },
                ),
                migrations.AddField(
                    model_name='category',
                    name='default_unit',
                    field=models.ForeignKey(blank=True, help_text="Receives the category's reports where no routing rule applies.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='default_for_categories', to='catalogue.unit'),
                ),
                migrations.CreateModel(
                    name='CategoryAttribute',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=40)),
                        ('datatype', models.CharField(choices=[('string', 'short text'), ('text', 'long text'), ('number', 'number'), ('datetime', 'date and time'), ('singlevaluelist', 'one of a list'), ('multivaluelist', 'several of a list')], max_length=20)),
                        ('required', models.BooleanField(default=False)),
                        ('label_pl', models.CharField(max_length=200)),
                        ('label_en', models.CharField(max_length=200)),
                        ('values', models.JSONField(blank=True, default=list, help_text='For lists: [{"key": "dog", "name_pl": "pies", "name_en": "dog"}, ...]')),
                        ('public', models.BooleanField(default=True, help_text='Shown on public pages. Turn off for answers that identify people, such as a registration plate.')),
                        ('order', models.PositiveSmallIntegerField(default=100)),
                        ('category', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attributes', to='catalogue.category')),
                    ],
                    options={
                        'verbose_name': 'category attribute',
                        'verbose_name_plural': 'category attributes',
                        'ordering': ['category', 'order', 'code'],
                        'constraints': [models.UniqueConstraint(fields=('category', 'code'), name='unique_attribute_code')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='unit',
                    constraint=models.UniqueConstraint(condition=models.Q(('is_triage', True)), fields=('is_triage',), name='one_triage_unit'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
