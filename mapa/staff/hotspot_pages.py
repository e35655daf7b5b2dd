"""The hotspots page (/staff/hotspots/): where open reports cluster now, on a map and in a list.

The page is a shell: ``frontend/src/staff/hotspots.js`` loads the hotspots from
``GET /api/staff/hotspots/`` and merges one through ``POST /api/staff/hotspots/merge/``,
which check the role and every case again.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Field
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mapa.catalogue.models import Category
from mapa.staff.access import Action, may
from mapa.staff.pages import staff_only
from mapa.staff.roles import role_of


@require_GET
@staff_only
def hotspots_page(request: HttpRequest) -> HttpResponse:
    """The hotspots among the cases the user may see, and merging one (for roles that may)."""
    if not may(request.user, Action.TOOLS):
        raise PermissionDenied(_("Your role sees only the reports it filed."))
    defaults = {
        name: field.get_default()
        for name in ("hotspot_reports", "hotspot_metres", "hotspot_hours")
        if isinstance(field := Category._meta.get_field(name), Field)
    }
    return render(
        request,
        "staff/hotspots.html",
        {
            "role": role_of(request.user),
            "can_intake": may(request.user, Action.INTAKE),
            "defaults": defaults,
            "page_options": {"can_merge": may(request.user, Action.MERGE)},
            "tiles": {"url": settings.MAPA_TILE_URL, "attribution": settings.MAPA_TILE_ATTRIBUTION},
        },
    )
