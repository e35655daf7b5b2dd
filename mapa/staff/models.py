"""Who works for the city in Mapa, and in which role."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mapa.core.audit import audited


class Role(models.TextChoices):
    """What a staff account may see and do (issue 8, "People and permissions").

    * consultant: GCK's first line. Sees every case, registers reports taken by
      phone, SMS, e-mail, chat and social media, triages and re-routes.
    * unit_staff: the second line, bound to one or more units. Sees and acts on
      its units' cases only (their district offices' included).
    * dispatcher: sees every case and plans the work by area.
    * admin: manages units, categories, districts, rules and staff; the only
      role that uses Django's admin (``is_staff`` and ``is_superuser``).
    * integration: a system account for one application that files reports
      through an API (Open311's POST, the staff API's intake) with its token.
      It may only file reports and see the ones it filed; never contact data.
    """

    CONSULTANT = "consultant", _("GCK consultant")
    UNIT_STAFF = "unit_staff", _("unit staff")
    DISPATCHER = "dispatcher", _("dispatcher")
    ADMIN = "admin", _("administrator")
    INTEGRATION = "integration", _("integration (one application)")


@audited(model_name="StaffProfileAudit")
class StaffProfile(models.Model):
    """A staff account's role and, for unit staff, the units it works for.

    Unit staff need at least one unit. A constraint cannot see a many-to-many
    relation, so ``mapa.staff.services`` and the admin's form check it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    units = models.ManyToManyField(
        "catalogue.Unit",
        blank=True,
        related_name="staff_profiles",
        verbose_name=_("units"),
        help_text=_("The units whose cases unit staff work on; required for unit staff."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="staff_role_known")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


# Who may do what: staff roles and units are part of the audit trail. (Django's
# User table is not: its triggers would need a migration in django.contrib.auth.)
audited(model_name="StaffUnitsAudit", app_label="staff")(StaffProfile.units.through)
