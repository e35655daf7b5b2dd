"""The service catalogue: who handles what.

Units (authorities, departments, district offices), the categories a resident
can report (Open311 services) with their extra questions (Open311
attributes), and the routing rules that send a category in a district to a
unit. ``mapa.catalogue.routing`` decides, in one SQL statement, where a report
goes. This layer sits on ``mapa.districts`` (geography) and below
``mapa.reports``.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mapa.core.audit import audited
from mapa.core.i18n import localized, localized_name
from mapa.districts.models import District


@audited(model_name="UnitAudit", exclude=["webhook_secret"])  # a key, not history
class Unit(models.Model):
    """A city unit that receives reports: an authority, a department or an office.

    A unit may have district offices (children) that each cover a set of
    districts. A report routed to a unit with offices goes to the office that
    covers the report's district, as Straż Miejska does with its district units.
    """

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60, blank=True)
    email = models.EmailField(help_text=_("Where the unit receives notifications."))
    phone = models.CharField(max_length=40, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="offices"
    )
    districts = models.ManyToManyField(
        District,
        blank=True,
        related_name="units",
        help_text=_("Districts this unit covers, if it is district-based."),
    )
    is_triage = models.BooleanField(
        default=False,
        help_text=_("The first-line unit (GCK) that triages reports no rule routes elsewhere."),
    )
    active = models.BooleanField(default=True)
    # Webhooks (mapa/notifications/webhooks.py): events about the unit's reports are POSTed
    # here, signed with the secret (generated when a URL is first set; README "Webhooks").
    webhook_url = models.URLField(
        _("webhook URL"),
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Mapa POSTs signed JSON events about the reports of this unit here."),
    )
    webhook_secret = models.CharField(
        _("webhook secret"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("The key of the HMAC-SHA256 signature of each webhook delivery."),
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_triage"], condition=Q(is_triage=True), name="one_triage_unit"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.webhook_url and not self.webhook_secret:
            self.webhook_secret = secrets.token_hex(32)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "webhook_secret"}
        super().save(*args, **kwargs)


@audited(model_name="CategoryAudit")
class Category(models.Model):
    """A kind of problem a resident can report (Open311: a service)."""

    code = models.SlugField(max_length=40, unique=True, help_text=_("Open311 service_code."))
    name_pl = models.CharField(_("name (Polish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    description_pl = models.CharField(max_length=300, blank=True)
    description_en = models.CharField(max_length=300, blank=True)
    group = models.CharField(max_length=40, blank=True, help_text=_("Open311 group."))
    icon = models.CharField(max_length=40, blank=True, help_text=_("Icon name for the map."))
    default_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="default_for_categories",
        help_text=_("Receives the category's reports where no routing rule applies."),
    )
    order = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True)
    service_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_(
            "The service deadline: a report is due this many days after it was filed. "
            "Empty: no deadline."
        ),
    )
    # A hotspot: at least this many reports within this distance and time of each
    # other (a flood, a fallen tree across a road, a burst pipe).
    hotspot_reports = models.PositiveSmallIntegerField(
        default=5, help_text=_("Reports that make a hotspot.")
    )
    hotspot_metres = models.PositiveIntegerField(
        default=150, help_text=_("Largest distance between neighbouring reports of a hotspot.")
    )
    hotspot_hours = models.PositiveIntegerField(
        default=24, help_text=_("Time window of a hotspot, in hours.")
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_pl, self.name_en)

    @property
    def description(self) -> str:
        return localized(self.description_pl, self.description_en)


class AttributeType(models.TextChoices):
    """Open311 GeoReport v2 attribute datatypes."""

    STRING = "string", _("short text")
    TEXT = "text", _("long text")
    NUMBER = "number", _("number")
    DATETIME = "datetime", _("date and time")
    SINGLE = "singlevaluelist", _("one of a list")
    MULTI = "multivaluelist", _("several of a list")


@audited(model_name="CategoryAttributeAudit")
class CategoryAttribute(models.Model):
    """An extra question a category asks, e.g. the kind of animal (Open311: attribute)."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="attributes")
    code = models.SlugField(max_length=40)
    datatype = models.CharField(max_length=20, choices=AttributeType.choices)
    required = models.BooleanField(default=False)
    label_pl = models.CharField(max_length=200)
    label_en = models.CharField(max_length=200)
    values = models.JSONField(
        default=list,
        blank=True,
        help_text=_('For lists: [{"key": "dog", "name_pl": "pies", "name_en": "dog"}, ...]'),
    )
    public = models.BooleanField(
        default=True,
        help_text=_(
            "Shown on public pages. Turn off for answers that identify people, "
            "such as a registration plate."
        ),
    )
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("category attribute")
        verbose_name_plural = _("category attributes")
        ordering = ["category", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="unique_attribute_code")
        ]

    def __str__(self) -> str:
        return f"{self.category.code}.{self.code}"

    @property
    def label(self) -> str:
        return localized(self.label_pl, self.label_en)

    def value_keys(self) -> list[str]:
        return [str(v["key"]) for v in self.values]

    def choices(self) -> list[tuple[str, str]]:
        """``(key, name)`` of each list value, named in the active language."""
        return [(str(v["key"]), localized_name(v, default=str(v["key"]))) for v in self.values]

    def display(self, value: object) -> object:
        """An answer with list keys replaced by their names (a list stays a list)."""
        names = dict(self.choices())
        if isinstance(value, list):
            return [names.get(str(v), v) for v in value]
        return names.get(str(value), value)


@audited(model_name="ResponseTemplateAudit")
class ResponseTemplate(models.Model):
    """A ready answer staff start a public update or resolution note from.

    The "base of answers": per category (or for every category when empty),
    in Polish and English, edited by administrators.
    """

    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="response_templates",
        help_text=_("Leave empty for a template every category can use."),
    )
    title_pl = models.CharField(max_length=100)
    title_en = models.CharField(max_length=100)
    text_pl = models.TextField(max_length=2000)
    text_en = models.TextField(max_length=2000)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("response template")
        verbose_name_plural = _("response templates")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self.title_pl, self.title_en)

    @property
    def text(self) -> str:
        return localized(self.text_pl, self.text_en)


@audited(model_name="RoutingRuleAudit")
class RoutingRule(models.Model):
    """Category (+ optional districts) → unit.

    The most specific matching rule wins: a rule naming districts beats a
    city-wide one, and among rules naming districts the one naming fewer wins.
    Without a matching rule the category's default unit takes the report, and
    without one of those the triage unit (GCK) does.
    """

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="routing_rules")
    districts = models.ManyToManyField(
        District,
        blank=True,
        related_name="routing_rules",
        help_text=_("Leave empty for a city-wide rule."),
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="routing_rules")
    note = models.CharField(
        max_length=200, blank=True, help_text=_("Why this rule exists; shown in explanations.")
    )
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["category", "id"]

    def __str__(self) -> str:
        return f"{self.category} → {self.unit}"


class RoutingReason(models.TextChoices):
    """Why routing chose the unit it chose (see ``mapa.catalogue.routing``)."""

    DISTRICT_RULE = "district_rule", _("district rule")
    CITY_RULE = "city_rule", _("city-wide rule")
    CATEGORY_DEFAULT = "category_default", _("category default")
    TRIAGE = "triage", _("triage fallback")
    REROUTED = "rerouted", _("re-routed by staff")


# Which districts a unit covers and a rule names: changes to these are routing changes.
audited(model_name="UnitDistrictsAudit", app_label="catalogue")(Unit.districts.through)
audited(model_name="RoutingRuleDistrictsAudit", app_label="catalogue")(
    RoutingRule.districts.through
)
