"""The confirmation link's token: signed, and valid for ``CONFIRM_DAYS`` days.

``django.core.signing`` over ``[kind, id]`` (``follow`` or ``alert``) with this module's
salt, time-stamped: it names no address and cannot be forged or reused as an
unsubscribe token (mapa/notifications/unsubscribe.py has its own salt).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from django.core import signing

SALT = "mapa.alerts.confirm"
CONFIRM_DAYS = 7

Kind = Literal["follow", "alert"]


class LinkExpired(Exception):
    pass


def confirm_token(kind: Kind, pk: int) -> str:
    return signing.dumps([kind, pk], salt=SALT, compress=True)


def read_confirm_token(token: str) -> tuple[Kind, int] | None:
    """(kind, id), or None for a token we did not sign; LinkExpired when too old."""
    try:
        kind, pk = signing.loads(token, salt=SALT, max_age=timedelta(days=CONFIRM_DAYS))
    except signing.SignatureExpired:
        raise LinkExpired from None
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if kind not in ("follow", "alert") or not isinstance(pk, int):
        return None
    return kind, pk
