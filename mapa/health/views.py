"""``/health/live/`` and ``/health/ready/``: JSON for probes, never cached, never throttled.

Plain Django views (not DRF): no authentication, no throttling, no session. They say
nothing about anyone: states and one age in seconds.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from mapa.health.checks import readiness


@never_cache
@require_safe
def live(request: HttpRequest) -> JsonResponse:
    """The process is up and answers; the database is not asked."""
    return JsonResponse({"status": "alive"})


@never_cache
@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    """200 when the database answers and the worker beats; 503 naming what is wrong."""
    found = readiness()
    response = JsonResponse(found.as_json(), status=200 if found.ready else 503)
    if not found.ready:
        response["Retry-After"] = "5"
    return response
