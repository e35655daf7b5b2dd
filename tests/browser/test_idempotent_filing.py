"""A double click or a lost answer never files two reports (frontend/src/lib/idempotency.js,
mapa/web/once.py): the map form sends one Idempotency-Key per filing attempt, and the
no-JavaScript form a one-time token, which the server answers once."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mapa.reports.models import Report
from tests.conftest import NEPTUNE_FOUNTAIN

pytestmark = pytest.mark.browser


def pin_the_fountain(web: Any) -> None:
    from playwright.sync_api import expect

    web.click_map(*NEPTUNE_FOUNTAIN)
    expect(web.page.locator("#location-status")).to_contain_text("Śródmieście")  # checked


def fill_the_form(web: Any, description: str) -> Any:
    page = web.open("/")
    pin_the_fountain(web)
    page.locator("#category-pothole").check()
    page.locator("#id_description").fill(description)
    return page


class Posts:
    """POST /api/reports/ as the browser sends them: their keys and the server's answers."""

    def __init__(self) -> None:
        self.keys: list[str | None] = []
        self.answers: list[Any] = []
        self.drop_first = False

    def handle(self, route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        self.keys.append(route.request.headers.get("idempotency-key"))
        answer = route.fetch()  # the server files (or replays) it
        self.answers.append(answer)
        if self.drop_first and len(self.answers) == 1:
            route.abort("connectionreset")  # ... and the answer is lost on the way back
        else:
            route.fulfill(response=answer)


def expect_result(page: Any, posts: Posts) -> None:
    """The result panel appears (the answers so far in the message if it does not)."""
    from playwright.sync_api import expect

    try:
        expect(page.locator("#result")).to_be_visible(timeout=30_000)
    except AssertionError:
        summary = page.locator("#error-summary").text_content()
        answers = [answer.status for answer in posts.answers]
        raise AssertionError(f"keys {posts.keys}, answers {answers}; {summary}") from None


def test_a_lost_answer_is_sent_again_with_its_key_and_files_one_report(web, cleanup):
    description = "Dziura; odpowiedź zgubiona w drodze"
    page = fill_the_form(web, description)
    posts = Posts()
    posts.drop_first = True
    page.route(re.compile(r"/api/reports/$"), posts.handle)
    page.locator("#submit-button").click()
    expect_result(page, posts)

    assert len(posts.keys) == 2, posts.keys
    assert posts.keys[0] is not None
    assert posts.keys[0] == posts.keys[1]
    first, again = posts.answers
    assert first.status == again.status == 201
    assert first.headers["idempotent-replayed"] == "false"
    assert again.headers["idempotent-replayed"] == "true"
    assert first.body() == again.body()
    reports = Report.objects.filter(description=description)
    assert reports.count() == 1
    assert page.locator("[data-result=reference]").inner_text() == reports.get().reference


def test_a_double_click_files_one_report_and_the_next_report_gets_a_new_key(web, cleanup):
    description = "Dziura; podwójne kliknięcie"
    page = fill_the_form(web, description)
    posts = Posts()
    page.route(re.compile(r"/api/reports/$"), posts.handle)
    page.locator("#submit-button").dblclick()
    expect_result(page, posts)
    assert Report.objects.filter(description=description).count() == 1
    assert len(set(posts.keys)) == 1, posts.keys

    page.locator("[data-action=new-report]").click()
    pin_the_fountain(web)
    page.locator("#category-pothole").check()
    page.locator("#id_description").fill(description)  # the same words: a new report
    page.locator("#submit-button").click()
    expect_result(page, posts)
    assert Report.objects.filter(description=description).count() == 2
    assert len(set(posts.keys)) == 2, posts.keys


def test_the_form_without_javascript_sent_twice_files_one_report(browser, live_url, cleanup):
    """The browser sends the same form again (its first answer lost): one report."""
    context = browser.new_context(java_script_enabled=False, locale="pl-PL")
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_url) else route.abort()
        ),
    )
    sent: list[int] = []

    def send_twice(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        sent.append(route.fetch(max_redirects=0).status)  # filed; that answer is lost
        route.continue_()  # the same form, token and all, sent again

    description = "Przepełniony kosz; formularz wysłany dwa razy"
    try:
        page = context.new_page()
        page.route(re.compile(r"/report/$"), send_twice)
        page.goto(live_url + "/")
        page.locator("#category-overflowing-bin").check()
        page.locator("#id_description").fill(description)
        page.locator("#id_district").select_option("wrzeszcz-gorny")
        page.locator("#submit-button").click()
        page.wait_for_url(re.compile(r"/r/[A-Z]+-\d{4}-\d{6}/\?sent=1$"))
        assert sent == [302]
        reports = Report.objects.filter(description=description)
        assert reports.count() == 1
        assert f"/r/{reports.get().reference}/" in page.url
    finally:
        context.close()
