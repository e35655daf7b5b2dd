"""Django's admin site, with the log-in throttled as the staff log-in is.

``StaffAdminConfig`` (``mapa/staff/apps.py``) makes this the default site, so
``admin.site`` everywhere is this one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from csp.decorators import csp_update
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from mapa.staff.forms import ThrottledAdminAuthenticationForm
from mapa.staff.views import throttled_as_429

_View = TypeVar("_View", bound=Callable[..., HttpResponseBase])


class StaffAdminSite(admin.AdminSite):
    login_form = ThrottledAdminAuthenticationForm

    def admin_view(self, view: _View, cacheable: bool = False) -> _View:
        """Every admin page's Content-Security-Policy also lets OpenLayers (the map widget)
        start its web worker from a ``blob:`` URL; nothing else is relaxed."""
        relaxed = cast(_View, csp_update({"worker-src": ["'self'", "blob:"]})(view))
        return super().admin_view(relaxed, cacheable)

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return throttled_as_429(super().login(request, extra_context))
