"""The retention task (Django's tasks API; run by ``manage.py worker``)."""

from __future__ import annotations

from dataclasses import asdict

from django_tasks import task


@task()
def anonymise_closed_task() -> dict[str, int]:
    """Erase contact data of cases closed ``MAPA_RETENTION_DAYS`` ago; the counts."""
    from mapa.privacy.retention import anonymise_closed

    return asdict(anonymise_closed())
