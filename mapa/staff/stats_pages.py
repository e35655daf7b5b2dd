"""Placeholder until this page is built (issue 8): answers 404, never a broken page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def stats_page(request: HttpRequest) -> HttpResponse:
    raise Http404
