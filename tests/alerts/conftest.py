"""Shared by the alerts tests: the real SMTP server and worker (tests/notifications/
conftest.py), subscriptions made and confirmed through the services, and the outbox run
as the worker runs it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from mapa.alerts.models import AreaAlert, Follow, Frequency
from mapa.alerts.services import Area, area_alert_create, follow_request, subscription_confirm
from mapa.catalogue.models import Category, Unit
from mapa.districts.models import District
from mapa.notifications.tasks import send_notification
from mapa.reports.models import Report
from tests.conftest import point
from tests.notifications.conftest import (  # noqa: F401  (fixtures)
    Mailbox,
    committed,
    smtp,
    worker,
)


@pytest.fixture(autouse=True)
def units_without_contact_email(request):
    """Units' own e-mails (tests/notifications/test_units.py) would crowd the mailbox."""
    if request.node.get_closest_marker("django_db"):  # rolled back after the test
        Unit.objects.update(email="", webhook_url="")
        # Tasks other tests committed (browser tests, say) are not this test's to run.
        DBTaskResult.objects.all().delete()


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.MAPA_SITE_URL = "http://testserver"


def run_queued() -> list[str]:
    """Run every enqueued send task once, oldest first, as the worker would."""
    outcomes = []
    for result in DBTaskResult.objects.order_by("enqueued_at"):
        outcomes.append(send_notification.call(*result.args_kwargs["args"]))
        result.delete()
    return outcomes


def to(mailbox: Mailbox, address: str) -> list[Any]:
    return [m for m in mailbox.messages if m["To"] == address]


def text_of(message: Any) -> str:
    return str(message.get_body(("plain",)).get_content()).replace("\r\n", "\n")


def html_of(message: Any) -> str:
    return str(message.get_body(("html",)).get_content())


@pytest.fixture
def confirmed_follow(django_capture_on_commit_callbacks) -> Callable[..., Follow]:
    def make(report: Report, email: str, language: str = "pl") -> Follow:
        with django_capture_on_commit_callbacks(execute=True):
            follow = follow_request(report=report, email=email, language=language)
        confirmed = subscription_confirm("follow", follow.pk)
        assert isinstance(confirmed, Follow)
        DBTaskResult.objects.all().delete()  # its confirmation is not what is tested
        return confirmed

    return make


@pytest.fixture
def confirmed_alert(django_capture_on_commit_callbacks) -> Callable[..., AreaAlert]:
    def make(
        email: str,
        *,
        districts: tuple[str, ...] = (),
        at: tuple[float, float] | None = None,
        radius_m: int | None = None,
        categories: tuple[str, ...] = (),
        new: bool = True,
        resolved: bool = False,
        frequency: Frequency = Frequency.IMMEDIATE,
        language: str = "pl",
    ) -> AreaAlert:
        area = Area(
            districts=tuple(District.objects.filter(slug__in=districts)),
            point=point(*at) if at else None,
            radius_m=radius_m,
        )
        with django_capture_on_commit_callbacks(execute=True):
            alert = area_alert_create(
                email=email,
                language=language,
                new_reports=new,
                resolved_reports=resolved,
                area=area,
                categories=Category.objects.filter(code__in=categories),
                frequency=frequency,
            )
        confirmed = subscription_confirm("alert", alert.pk)
        assert isinstance(confirmed, AreaAlert)
        DBTaskResult.objects.all().delete()
        return confirmed

    return make
