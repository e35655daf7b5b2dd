"""The background tasks (Django's tasks API; run by ``manage.py worker``).

Tasks carry only a notification's id: the row in the outbox is the truth, and a task
that runs twice, late or for a row already sent does nothing (``outbox.deliver``).
"""

from __future__ import annotations

from datetime import datetime

from django_tasks import task


@task()
def send_notification(notification_id: int) -> str:
    """Try to send one notification; returns what happened (``sent``, ``retry``...)."""
    from mapa.notifications.outbox import deliver

    return deliver(notification_id)


def enqueue_send(notification_id: int, run_after: datetime | None = None) -> None:
    """Queue ``send_notification`` for the row (not before ``run_after``)."""
    runner = send_notification.using(run_after=run_after) if run_after else send_notification
    runner.enqueue(notification_id)
