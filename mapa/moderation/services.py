"""Adding and lifting bans. Keyword-only, typed, atomic; every change is in the audit trail."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from mapa.moderation.models import Ban


def ban_create(
    *,
    email: str = "",
    phone: str = "",
    network: str = "",
    reason: str,
    created_by: User | None,
    expires_at: datetime | None = None,
) -> Ban:
    """Ban one contact (exactly one of ``email``, ``phone``, ``network``).

    Raises ``ValidationError`` naming the field when the value is not one.
    """
    ban = Ban(
        email=email,
        phone=phone,
        network=network or None,
        reason=reason.strip(),
        created_by=created_by,
        expires_at=expires_at,
    )
    ban.full_clean()
    with transaction.atomic():
        ban.save()
    return ban


def ban_delete(*, ban: Ban) -> None:
    """Lift a ban: later reports from the contact are filed as any other."""
    with transaction.atomic():
        ban.delete()
