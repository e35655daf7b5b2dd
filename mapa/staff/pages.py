"""The staff workspace's pages. Each checks the role and the case on the object.

The pages are built from the same front-end bundle as the resident's and
talk to the staff API (``/api/staff/``) for every change.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mapa.staff.access import case_for
from mapa.staff.roles import role_of

View = Callable[..., HttpResponse]


def staff_only(view: View) -> View:
    """Log-in first; an account without a staff role is refused (403)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if role_of(request.user) is None:
            raise PermissionDenied(_("This account has no staff role."))
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
@staff_only
def dispatcher_page(request: HttpRequest) -> HttpResponse:
    """The map and the table of the cases the user may see, with the filters in the URL."""
    return render(request, "staff/dispatcher.html", {"role": role_of(request.user)})


@require_GET
@staff_only
def case_page(request: HttpRequest, reference: str) -> HttpResponse:
    """One case: its history, map, contact data (for allowed roles) and actions."""
    report = case_for(request.user, reference)
    return render(request, "staff/case.html", {"report": report, "role": role_of(request.user)})


@require_GET
@staff_only
def intake_page(request: HttpRequest) -> HttpResponse:
    """The consultant's intake form: the resident's form plus channel and contact data."""
    raise PermissionDenied(_("Not built yet."))
