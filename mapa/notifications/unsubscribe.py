"""Signed one-click unsubscribe links, for any kind of e-mail a resident can stop.

A link is ``/unsubscribe/<token>/`` (``notifications:unsubscribe``) where the token is
``django.core.signing`` over ``[kind, id]`` with its own salt: it names no address, needs
no log-in, and cannot be forged or turned into another kind's link. It never expires
(an old e-mail's link must still work). GET shows a page with one button; a POST stops
the e-mails, including RFC 8058's ``List-Unsubscribe=One-Click`` POST from a mail
client (that one view takes no CSRF token: the signed token is the authority).

The kinds: ``report`` (the reporter's own updates about one report, stored as a
``ReporterOptOut``), registered here; apps above this one (follows, area alerts)
register theirs with ``register_unsubscribe`` from their ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core import signing
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext

from mapa.notifications.models import ReporterOptOut
from mapa.reports.models import Report

SALT = "mapa.notifications.unsubscribe"


@dataclass(frozen=True)
class Unsubscribable:
    """How to stop one kind: ``stop(id)`` (idempotent; False if there is no such row)
    and ``describe(id)``: what the page says is stopped, or None if there is no such row."""

    stop: Callable[[int], bool]
    describe: Callable[[int], str | Promise | None]


_kinds: dict[str, Unsubscribable] = {}


def register_unsubscribe(
    kind: str,
    *,
    stop: Callable[[int], bool],
    describe: Callable[[int], str | Promise | None],
) -> None:
    _kinds[kind] = Unsubscribable(stop=stop, describe=describe)


def unsubscribe_token(kind: str, pk: int) -> str:
    if kind not in _kinds:
        raise LookupError(f"No unsubscribe is registered for {kind!r}")
    return signing.dumps([kind, pk], salt=SALT, compress=True)


def unsubscribe_path(kind: str, pk: int) -> str:
    return reverse("notifications:unsubscribe", args=[unsubscribe_token(kind, pk)])


def read_token(token: str) -> tuple[Unsubscribable, int] | None:
    """The kind's handlers and the id a token names; None if it was not signed by us."""
    try:
        kind, pk = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if kind not in _kinds or not isinstance(pk, int):
        return None
    return _kinds[kind], pk


# ---------------------------------------------------------------- the reporter's own updates


def _stop_report_updates(report_id: int) -> bool:
    if not Report.objects.filter(pk=report_id).exists():
        return False
    ReporterOptOut.objects.get_or_create(report_id=report_id)
    return True


def _describe_report_updates(report_id: int) -> str | None:
    reference = Report.objects.filter(pk=report_id).values_list("reference", flat=True).first()
    if reference is None:
        return None
    return gettext("E-mails about your report %(reference)s") % {"reference": reference}


def reporter_opted_out(report_id: int) -> bool:
    return ReporterOptOut.objects.filter(report_id=report_id).exists()


register_unsubscribe("report", stop=_stop_report_updates, describe=_describe_report_updates)
