"""GCK's SMS line in a real browser, by keyboard alone: a consultant opens a text from the
queue, answers it by SMS, completes it through the intake form (place, category), and
the routed report keeps the text's reference; axe finds nothing serious on the pages."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from mapa.notifications.models import Notification
from mapa.places.models import Place
from mapa.places.seeding import load_places
from mapa.reports.models import Channel, Report
from mapa.sms.models import CaseStatus, SmsCase, SmsMessage
from mapa.sms.services import text_received
from tests.browser.conftest import Page
from tests.browser.test_staff_pages import log_in, staff  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser

PHONE = "+48501234567"


@pytest.fixture
def places() -> Iterator[None]:
    was_empty = not Place.objects.exists()
    load_places()
    yield
    if was_empty:
        Place.objects.all().delete()


@pytest.fixture
def sms_case(cleanup: None) -> Iterator[SmsCase]:
    """A committed text to the line (the live server reads it); removed afterwards."""
    last_case = SmsCase.objects.order_by("-id").values_list("id", flat=True).first() or 0
    last_message = Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0
    received = text_received(
        gateway_id="browser-1", sender="48501234567", text="Dziura na Piwnej, duża, przy 27"
    )
    yield received.case
    SmsMessage.objects.filter(case_id__gt=last_case).delete()
    SmsCase.objects.filter(id__gt=last_case).delete()
    Notification.objects.filter(id__gt=last_message).delete()


def test_a_consultant_answers_and_completes_an_sms_case_by_keyboard(
    web: Page,
    staff,  # noqa: F811
    sms_case,
    places,
):
    from playwright.sync_api import expect

    staff("konsultant-sms", "consultant")
    page = web.page
    log_in(web, "konsultant-sms", then="/staff/sms/")

    def tab_to(selector: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} cannot be reached with Tab")

    expect(page.locator("h1")).to_contain_text("1 otwarta sprawa SMS")
    web.audit("the SMS queue")
    tab_to(f'a[href="/staff/sms/{sms_case.reference}/"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/staff/sms/{sms_case.reference}/")
    expect(page.locator(".sms-conversation")).to_contain_text("Dziura na Piwnej")
    web.audit("an SMS case")

    # A reply by SMS: recorded in the conversation, queued through the outbox.
    tab_to("#sms-reply-text")
    page.keyboard.type("Dziękujemy, zaraz ustalimy miejsce.")
    tab_to(".sms-reply button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/staff/sms/{sms_case.reference}/#sms")
    expect(page.locator(".sms-conversation")).to_contain_text("Dziękujemy, zaraz ustalimy")
    expect(page.locator("[role=status]").first).to_contain_text("SMS")
    reply = SmsMessage.objects.get(case=sms_case, direction="out")
    assert Notification.objects.get(event="sms_reply", payload__message=reply.pk).recipient == PHONE

    # Completing: the intake form with the texts, the channel and the number filled in.
    tab_to("#complete-link")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/staff/sms/{sms_case.reference}/complete/")
    page.wait_for_function("() => window.mapa && window.mapa.intake")
    expect(page.locator("#intake-prefill")).to_contain_text(sms_case.reference)
    expect(page.locator("#id_channel")).to_have_value("sms")
    expect(page.locator("#id_description")).to_have_value(re.compile("Dziura na Piwnej"))
    web.audit("completing an SMS case")
    tab_to("#place-search")
    page.keyboard.type("Piwna 27")
    expect(page.locator("#place-results [role=option]").first).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#location-status")).to_contain_text("Śródmieście")
    tab_to("#id_category")
    page.keyboard.type("Dziura")
    expect(page.locator("#id_category")).to_have_value("pothole")
    tab_to("#submit-button")
    page.keyboard.press("Enter")

    expect(page.locator("#result")).to_be_focused()
    expect(page.locator("[data-result=reference]")).to_have_text(sms_case.reference)
    report = Report.objects.get(reference=sms_case.reference)
    assert (report.channel, report.reporter_phone) == (Channel.SMS, PHONE)
    assert report.category.code == "pothole"
    sms_case.refresh_from_db()
    assert (sms_case.status, sms_case.report_id) == (CaseStatus.COMPLETED, report.pk)

    # The report's case page carries the conversation and answers by SMS too.
    tab_to("[data-result=link]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/staff/r/{sms_case.reference}/")
    expect(page.locator("#sms")).to_contain_text("Dziękujemy, zaraz ustalimy")
    tab_to("#sms-reply-text")
    page.keyboard.type("Ekipa będzie jutro.")
    tab_to(".sms-reply button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/staff/r/{sms_case.reference}/#sms")
    expect(page.locator("#sms")).to_contain_text("Ekipa będzie jutro.")
    assert Notification.objects.filter(event="sms_reply", report=report).count() == 1


def test_a_consultant_dismisses_a_spam_text_by_keyboard_and_is_told_what_is_missing(
    web: Page,
    staff,  # noqa: F811
    sms_case,
):
    from playwright.sync_api import expect

    staff("konsultant-spam", "consultant")
    page = web.page
    log_in(web, "konsultant-spam", then=f"/staff/sms/{sms_case.reference}/")

    def tab_to(selector: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} cannot be reached with Tab")

    # Sent without a reason: the form comes back saying what is missing, on the field.
    tab_to(".sms-dismiss button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("#sms-dismiss-error")).to_have_text(
        "Napisz, dlaczego sprawa jest odrzucana."
    )
    expect(page.locator("#sms-dismiss-note")).to_have_attribute("aria-invalid", "true")
    web.audit("dismissing an SMS case, refused")
    tab_to("#sms-dismiss-note")
    page.keyboard.type("Reklama, nie zgłoszenie.")
    tab_to(".sms-dismiss button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/sms/")
    expect(page.locator("[role=status]").first).to_contain_text(
        f"Sprawa {sms_case.reference} została odrzucona."
    )
    expect(page.locator("h1")).to_contain_text("0 otwartych spraw SMS")
    sms_case.refresh_from_db()
    assert (sms_case.status, sms_case.dismissal_note) == (
        CaseStatus.DISMISSED,
        "Reklama, nie zgłoszenie.",
    )
