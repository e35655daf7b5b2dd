"""Django's admin site, with the log-in throttled as the staff log-in is.

``StaffAdminConfig`` (``mapa/staff/apps.py``) makes this the default site, so
``admin.site`` everywhere is this one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from csp.decorators import csp_update
from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from mapa.staff.forms import ThrottledAdminAuthenticationForm
from mapa.staff.views import throttled_as_429


class StaffAdminSite(admin.AdminSite):
    login_form = ThrottledAdminAuthenticationForm

    def admin_view(self, view: Callable[..., Any], cacheable: bool = False) -> Callable[..., Any]:
        """Every admin page's Content-Security-Policy also lets OpenLayers (the map widget)
        start its web worker from a ``blob:`` URL; nothing else is relaxed."""
        return super().admin_view(csp_update({"worker-src": ["'self'", "blob:"]})(view), cacheable)

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return throttled_as_429(super().login(request, extra_context))
