"""What apps above the resident's pages add to them, without the web app importing them.

``register_reference_page(page)``: ``page(request, reference)`` answers a reference that
names no report yet (an SMS triage case's, mapa/sms), or None. The report page asks
each before its 404, so a resident who was texted a reference never meets "not found".
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

ReferencePage = Callable[[HttpRequest, str], HttpResponse | None]

_pages: dict[str, ReferencePage] = {}


def register_reference_page(name: str, page: ReferencePage) -> None:
    _pages[name] = page


def reference_page(request: HttpRequest, reference: str) -> HttpResponse | None:
    for page in _pages.values():
        response = page(request, reference)
        if response is not None:
            return response
    return None
