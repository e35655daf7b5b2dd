"""Signed links with which a reporter asks to remove their contact data (GDPR erasure).

Every e-mail to a reporter (the confirmation, updates, the resolution) carries
``/privacy/remove/<token>/`` (``privacy:remove``, mapa/privacy/views.py). The token is
``django.core.signing`` over ``[reference, address hash]`` with its own salt and a
timestamp: it names no address (the hash is an HMAC keyed by ``SECRET_KEY``, so it cannot
be looked up in a list of addresses), cannot be forged or turned into another link, and
expires after ``MAPA_REMOVAL_LINK_DAYS``. The address hash ties the link to the address
it was sent to: once the report's address is gone (or changed by staff), the link
removes nothing more.

This module only makes and reads tokens; the removal itself (reports, outbox, SMS
cases, follows) is the privacy app's, above this layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from mapa.reports.models import Report

SALT = "mapa.notifications.removal"
_HASH_SALT = "mapa.notifications.removal.address"


class LinkExpired(ValueError):
    """A genuine removal link, older than ``MAPA_REMOVAL_LINK_DAYS``."""


@dataclass(frozen=True)
class RemovalRequest:
    reference: str
    address_hash: str

    def matches(self, email: str) -> bool:
        """Whether ``email`` (a report's address now) is the one the link was sent to."""
        return bool(email) and constant_time_compare(address_hash(email), self.address_hash)


def address_hash(email: str) -> str:
    """A keyed hash of an address (case-insensitive): no one without the key can invert it."""
    return salted_hmac(_HASH_SALT, email.strip().lower(), algorithm="sha256").hexdigest()[:32]


def removal_token(report: Report) -> str:
    """The token for a report's reporter, at the report's current address."""
    if not report.reporter_email:
        raise ValueError(f"Report {report.reference} has no address to remove")
    return signing.dumps(
        [report.reference, address_hash(report.reporter_email)], salt=SALT, compress=True
    )


def removal_path(report: Report) -> str:
    return reverse("privacy:remove", args=[removal_token(report)])


def read_removal_token(token: str) -> RemovalRequest | None:
    """What a token asks for; None if we did not sign it. Raises ``LinkExpired``."""
    max_age = timedelta(days=settings.MAPA_REMOVAL_LINK_DAYS)
    try:
        value = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkExpired(token) from None
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
        return None
    return RemovalRequest(reference=value[0], address_hash=value[1])
