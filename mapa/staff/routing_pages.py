"""The routing tools (/staff/routing/): simulate a point, and see which unit covers which district.

For one category, chosen on the page: click anywhere (or give coordinates) to
see the district, the rule, the unit and why, from the public
``GET /api/routing/``; and every district coloured by the unit that takes the
category's reports there, from ``GET /api/staff/coverage/``, with a table that
says the same in words.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mapa.catalogue.models import RoutingReason, Unit
from mapa.catalogue.selectors import active_categories
from mapa.staff.access import Action, may
from mapa.staff.models import Role
from mapa.staff.pages import staff_only
from mapa.staff.roles import role_of


@require_GET
@staff_only
def routing_page(request: HttpRequest) -> HttpResponse:
    """The category's coverage map and table, and the point simulator; ``?category=`` picks it."""
    if not may(request.user, Action.TOOLS):
        raise PermissionDenied(_("Your role sees only the reports it filed."))
    categories = [
        {"code": c.code, "name": c.name, "icon": c.icon, "group": c.group or "other"}
        for c in active_categories()
    ]
    codes = [c["code"] for c in categories]
    chosen = request.GET.get("category", "")
    role = role_of(request.user)
    options = {
        "categories": categories,
        "category": chosen if chosen in codes else (codes[0] if codes else ""),
        "reasons": {reason.value: str(reason.label) for reason in RoutingReason},
        # Every unit's code, in order: the page gives each its own colour, whatever the category.
        "units": list(Unit.objects.order_by("code").values_list("code", flat=True)),
        # Administrators edit the rules: the simulator links a rule to its admin page.
        "rule_url": reverse("admin:catalogue_routingrule_change", args=[0]).replace("/0/", "/{id}/")
        if role == Role.ADMIN
        else "",
    }
    return render(
        request,
        "staff/routing.html",
        {
            "role": role,
            "can_intake": may(request.user, Action.INTAKE),
            "categories": categories,
            "page_options": options,
            "tiles": {"url": settings.MAPA_TILE_URL, "attribution": settings.MAPA_TILE_ATTRIBUTION},
        },
    )
