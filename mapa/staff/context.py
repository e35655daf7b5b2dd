"""What the staff frame (``staff/base.html``) needs on every page: the role and its links.

A context processor, so that every staff page, whoever builds it, shows the
same navigation; a view's own ``role`` or ``can_intake`` wins over these.
Anonymous visitors and accounts without a staff role get nothing.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from mapa.staff.access import Action, may
from mapa.staff.extensions import nav_links
from mapa.staff.roles import role_of


def staff_frame(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    role = role_of(user)
    if role is None:
        return {}
    return {
        "role": role,
        "can_intake": may(user, Action.INTAKE),
        "can_use_tools": may(user, Action.TOOLS),
        "can_review": may(user, Action.REVIEW),
        "extra_nav": nav_links(user),
    }
