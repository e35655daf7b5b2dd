"""``manage.py worker``: run background tasks (django-tasks-db's ``db_worker``) and sweep
the notifications outbox every ``--sweep-interval`` seconds (mapa/notifications/outbox.py),
each sweep followed by the periodic jobs apps registered (the alerts' daily digests).

Started beside the web server by ``make run`` and compose.yaml's worker service.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from argparse import ArgumentParser
from dataclasses import astuple
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from mapa.core.faults import fault_of
from mapa.health.heartbeat import release_connections, start_heartbeat
from mapa.notifications.outbox import sweep
from mapa.notifications.registry import periodic_jobs

logger = logging.getLogger(__name__)


def run_periodic_jobs() -> None:
    """The jobs other apps registered (mapa/notifications/registry.py), each on its own."""
    for name, job in periodic_jobs().items():
        try:
            result = job()
            if result:
                logger.info("%s: %s", name, result)
        except Exception as exc:  # the next sweep runs it again
            _failed(f"Periodic job {name!r}", exc)
        finally:
            release_connections()  # survives the database being away


def _failed(what: str, exc: Exception) -> None:
    """The database away is expected and recovered (the next sweep tries again): one line,
    not a traceback a minute for each job. Anything else is a bug: its traceback."""
    if fault_of(exc) is not None:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        logger.warning("%s: database unavailable (%s); tried at the next sweep", what, first_line)
    else:
        logger.exception("%s failed", what)


def sweep_forever(interval: float) -> None:
    while True:
        time.sleep(interval)
        try:
            sweep()
        except Exception as exc:  # the next sweep tries again; the worker keeps running tasks
            _failed("Outbox sweep", exc)
        finally:
            release_connections()  # survives the database being away
        run_periodic_jobs()


class Command(db_worker.Command):
    help = "Run background tasks and sweep the notifications outbox"

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--sweep-interval",
            type=float,
            default=60.0,
            help="Seconds between sweeps of the notifications outbox (default: %(default)r)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sweep_interval = options.pop("sweep_interval")
        # With --reload, the parent only watches files; the child runs tasks and sweeps.
        if not options.get("reload") or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            # /health/ready/ reads it (MAPA_WORKER_HEARTBEAT_SECONDS; mapa/health/).
            start_heartbeat(settings.MAPA_WORKER_HEARTBEAT_SECONDS)
            swept = sweep()  # first, so that a --batch run sends what the sweep finds
            close_old_connections()
            logger.info("Outbox swept: %s enqueued again, %s uncertain", *astuple(swept))
            run_periodic_jobs()  # before a --batch run's tasks, which then send their messages
            threading.Thread(
                target=sweep_forever, args=(sweep_interval,), daemon=True, name="outbox-sweep"
            ).start()
        self.run_tasks_through_database_faults(options)

    def run_tasks_through_database_faults(self, options: dict[str, Any]) -> None:
        """django-tasks-db's loop, started again when PostgreSQL goes away and comes back.

        Its loop ends with the database's error (a task's result could not be saved), and
        the process would stop half-way; a restart is not needed: the loop waits and resumes.
        SIGTERM still stops it (the loop's own signal handler exits, in a wait too).
        """
        while True:
            try:
                super().handle(**options)
                return
            except DatabaseError as exc:
                if fault_of(exc) is None:
                    raise
                logger.warning("Database unavailable (%s); tasks resume when it is back", exc)
                release_connections()
                time.sleep(max(options["interval"], 1.0))
