from django.apps import AppConfig

# Imported as a module: a second default AppConfig class in this module's namespace would
# make Django refuse to choose one for "mapa.staff".
from django.contrib.admin import apps as admin_apps


class StaffConfig(AppConfig):
    """Staff accounts, roles and log-in; the staff workspace and its API."""

    default = True
    name = "mapa.staff"
    label = "staff"
    verbose_name = "Staff"


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with a log-in that is throttled like the staff log-in.

    Listed in INSTALLED_APPS in place of ``django.contrib.admin``; everything
    registered on ``admin.site`` lands on this site.
    """

    default = False
    default_site = "mapa.staff.admin_site.StaffAdminSite"
