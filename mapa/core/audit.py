"""The audit trail: every change by anyone, recorded append-only by PostgreSQL triggers.

django-pghistory installs triggers (through migrations) on each tracked
table, so a change is recorded whether it comes from the API, a page, the
admin, a management command or plain SQL: who (the request's user, or the
command), when, what, and the values before and after. The event tables are
append-only (a trigger refuses updates and deletes). Reporters' contact data
is not copied into the trail, so that erasing it from a report erases it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pghistory

M = TypeVar("M")


def audited(**options: Any) -> Callable[[M], M]:
    """Track a model: inserts, updates (of the tracked fields only) and deletes.

    Each tracked object reaches its trail as ``obj.audit_events`` (a model's own
    ``events``, such as a report's history, keeps its name).
    """
    tracker: Callable[[M], M] = pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        obj_field=pghistory.ObjForeignKey(related_name="audit_events"),
        append_only=True,
        **options,
    )
    return tracker


def name_commands_in_the_trail() -> None:
    """Every management command's changes carry ``command`` in the trail's context.

    A request's context (user, URL) comes from pghistory's middleware; a
    command has no request, so ``BaseCommand.execute`` is wrapped once, at
    start-up (``CoreConfig.ready``), to say which command made the change.
    """
    from django.core.management.base import BaseCommand

    if getattr(BaseCommand.execute, "_mapa_audited", False):
        return
    original = BaseCommand.execute

    def execute(self: BaseCommand, *args: Any, **options: Any) -> Any:
        with pghistory.context(command=type(self).__module__.rsplit(".", 1)[-1]):
            return original(self, *args, **options)

    execute._mapa_audited = True  # type: ignore[attr-defined]
    BaseCommand.execute = execute  # type: ignore[method-assign]
