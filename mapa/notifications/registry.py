"""What the outbox knows how to send: events, their e-mail content, and channel senders.

The core's own events (``models.Event``) register themselves in ``emails.py`` and the
e-mail and webhook senders in ``outbox.py``. An app above this one (follows and area
alerts, SMS) registers its events and channels from its ``AppConfig.ready``; the outbox
then queues, sends, retries and shows them like its own, without importing that app.

- ``register_event(name, label, email=builder)``: an event the outbox accepts, its label
  in the admin, and (for e-mail) the function that builds a message's content.
- ``register_sender(channel, send)``: how a row of that channel is handed over. ``send``
  raises on failure (the outbox retries with backoff) and returns an HTTP status or None.
- ``register_periodic(name, job)``: a job ``manage.py worker`` runs when it starts and
  after every outbox sweep (a minute apart), such as queueing the daily digests. A job
  must be idempotent and cheap when there is nothing to do; its failure is logged and
  the next sweep runs it again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from mapa.notifications.models import Notification


@dataclass(frozen=True)
class EmailContent:
    """One e-mail's content, rendered in the notification's language.

    ``template`` names ``<template>.txt`` and ``<template>.html``; both get ``context``
    plus ``subject`` and ``site_url``. With ``unsubscribe_url`` (a signed one-click link),
    the message carries ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` (RFC 8058) and
    the templates get it as ``unsubscribe_url``.
    """

    subject: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    unsubscribe_url: str = ""


EmailBuilder = Callable[["Notification"], EmailContent]
Sender = Callable[["Notification"], "int | None"]

_labels: dict[str, str | Promise] = {}
_email_builders: dict[str, EmailBuilder] = {}
_senders: dict[str, Sender] = {}
_periodic: dict[str, Callable[[], object]] = {}


def register_event(event: str, label: str | Promise, *, email: EmailBuilder | None = None) -> None:
    """Make ``event`` known to the outbox (again: the last registration wins)."""
    _labels[event] = label
    if email is not None:
        _email_builders[event] = email


def register_sender(channel: str, send: Sender) -> None:
    _senders[channel] = send


def is_registered(event: str) -> bool:
    return event in _labels


def event_label(event: str) -> str | Promise:
    return _labels.get(event, event)


def email_builder(event: str) -> EmailBuilder:
    try:
        return _email_builders[event]
    except KeyError:
        raise LookupError(f"No e-mail content is registered for the event {event!r}") from None


def sender(channel: str) -> Sender:
    try:
        return _senders[channel]
    except KeyError:
        raise LookupError(f"No sender is registered for the channel {channel!r}") from None


def register_periodic(name: str, job: Callable[[], object]) -> None:
    _periodic[name] = job


def periodic_jobs() -> dict[str, Callable[[], object]]:
    return dict(_periodic)
