# Staff profiles: a role per account and, for unit staff, their units (mapa/staff/models.py).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('catalogue', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='StaffProfile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('consultant', 'GCK consultant'), ('unit_staff', 'unit staff'), ('dispatcher', 'dispatcher'), ('admin', 'administrator')], max_length=20, verbose_name='role')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('units', models.ManyToManyField(blank=True, help_text='The units whose cases unit staff work on; required for unit staff.', related_name='staff_profiles', to='catalogue.unit', verbose_name='units')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='staff', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'staff profile',
                'verbose_name_plural': 'staff profiles',
                'constraints': [models.CheckConstraint(condition=models.Q(('role__in', ['consultant', 'unit_staff', 'dispatcher', 'admin'])), name='staff_role_known')],
            },
        ),
    ]
