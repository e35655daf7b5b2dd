"""The ban list: e-mail addresses, phone numbers and IP networks whose reports are held.

A report from a banned contact is neither refused nor dropped: ``mapa.reports`` files it
held for review (not public, nobody notified) until staff release or reject it. A ban is
personal data, for staff only: never public, never logged.

Values are stored normalised, so that matching is equality in SQL: an e-mail address in
lower case, a phone number in E.164 (``mapa.core.phones``), a network as PostgreSQL's
``cidr`` (a single address is a /32 or /128), which a client address matches with ``<<=``.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mapa.core.phones import e164


def normalized_email(raw: str) -> str:
    """An e-mail address as bans store and match it: trimmed, in lower case."""
    return raw.strip().lower()


def normalized_phone(raw: str) -> str:
    """A phone number as bans store and match it: E.164 (``+48501234567``), or '' for none."""
    digits = raw.strip()
    return e164(digits) if digits else ""


def normalized_network(raw: str) -> str:
    """``raw`` (``203.0.113.7`` or ``203.0.113.0/24``) as a network in CIDR notation.

    Raises ``ValidationError`` for anything else. Host bits are cleared
    (``203.0.113.7/24`` is ``203.0.113.0/24``).
    """
    try:
        return str(ipaddress.ip_network(raw.strip(), strict=False))
    except ValueError:
        raise ValidationError(
            gettext("Enter an IP address or a network, e.g. 203.0.113.0/24."), code="invalid"
        ) from None


class CidrField(models.Field[str | None, str | None]):
    """PostgreSQL's ``cidr``: an IPv4 or IPv6 network, read and written as text."""

    description = _("IP network")

    def db_type(self, connection: Any) -> str:
        return "cidr"

    def to_python(self, value: Any) -> str | None:
        if value is None or value == "":
            return None
        return normalized_network(str(value))

    def get_prep_value(self, value: Any) -> str | None:
        return self.to_python(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        return None if value is None else str(value)


class BanKind(models.TextChoices):
    EMAIL = "email", _("e-mail address")
    PHONE = "phone", _("phone number")
    NETWORK = "network", _("IP address or network")


class Ban(models.Model):
    """One banned e-mail address, phone number or IP network (exactly one of them)."""

    email = models.CharField(_("e-mail address"), max_length=254, blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    network = CidrField(
        _("IP address or network"),
        null=True,
        blank=True,
        help_text=_("One address (203.0.113.7) or a network (203.0.113.0/24, 2001:db8::/48)."),
    )
    reason = models.TextField(_("reason"), max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(
        _("expires at"), null=True, blank=True, help_text=_("Empty: the ban never expires.")
    )

    class Meta:
        verbose_name = _("ban")
        verbose_name_plural = _("bans")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(email__gt="", phone="", network__isnull=True)
                | Q(email="", phone__gt="", network__isnull=True)
                | Q(email="", phone="", network__isnull=False),
                name="ban_one_contact",
            )
        ]
        indexes = [
            models.Index(fields=["email"], name="ban_email", condition=Q(email__gt="")),
            models.Index(fields=["phone"], name="ban_phone", condition=Q(phone__gt="")),
        ]

    def __str__(self) -> str:
        # Names the kind only: a ban's value is personal data, and __str__ ends up in logs.
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def kind(self) -> str:
        if self.email:
            return BanKind.EMAIL
        return BanKind.PHONE if self.phone else BanKind.NETWORK

    def get_kind_display(self) -> str:
        return str(BanKind(self.kind).label)

    @property
    def value(self) -> str:
        return self.email or self.phone or (self.network or "")

    @property
    def is_active(self) -> bool:
        return self.expires_at is None or self.expires_at > timezone.now()

    def clean(self) -> None:
        """Normalise the value and check that exactly one contact is given."""
        self.email = normalized_email(self.email)
        self.phone = normalized_phone(self.phone)
        given = [name for name in ("email", "phone", "network") if getattr(self, name)]
        if len(given) != 1:
            raise ValidationError(
                gettext("Give exactly one of: an e-mail address, a phone number, an IP network.")
            )
        if self.email and "@" not in self.email:
            raise ValidationError({"email": gettext("Enter a valid e-mail address.")})
