"""The staff workspace's pages. Each checks the role and the case on the object.

The pages are built from the same front-end bundle as the resident's and
talk to the staff API (``/api/staff/``) for every change: the dispatcher's
map and table load the case list from it, the case page's forms and the
intake form post to it. The views only gather what the templates show.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mapa.catalogue.models import Unit
from mapa.catalogue.selectors import active_categories
from mapa.core.phones import sms_offered
from mapa.districts.selectors import district_choices
from mapa.reports.models import OPEN_STATUSES, Channel, Priority, Report, ReportStatus
from mapa.staff.access import Action, case_for, may, reroute_targets
from mapa.staff.extensions import case_panels
from mapa.staff.forms import APPLICATION_ACCOUNT
from mapa.staff.geojson import case_url_parts
from mapa.staff.models import Role
from mapa.staff.roles import role_of, units_of
from mapa.staff.selectors import case_detail

View = Callable[..., HttpResponse]


def staff_only(view: View) -> View:
    """Log-in first; an account without a staff role is refused (403)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        role = role_of(request.user)
        if role is None:
            raise PermissionDenied(_("This account has no staff role."))
        if role == Role.INTEGRATION:  # an application's account works through the API only
            raise PermissionDenied(APPLICATION_ACCOUNT)
        return view(request, *args, **kwargs)

    return wrapped


def _tiles() -> dict[str, str]:
    return {"url": settings.MAPA_TILE_URL, "attribution": settings.MAPA_TILE_ATTRIBUTION}


def _choices(choices: Any) -> list[dict[str, str]]:
    return [{"value": value, "label": str(label)} for value, label in choices]


def filter_units(request: HttpRequest) -> QuerySet[Unit]:
    """The units a user can filter by: all active ones, or for unit staff their own and offices."""
    units = Unit.objects.filter(active=True).order_by("name")
    if role_of(request.user) == Role.UNIT_STAFF:
        own = units_of(request.user)
        units = units.filter(Q(pk__in=own) | Q(parent_id__in=own))
    return units


@require_GET
@staff_only
def dispatcher_page(request: HttpRequest) -> HttpResponse:
    """The map and the table of the cases the user may see, with the filters in the URL."""
    options = {
        "statuses": _choices(ReportStatus.choices),
        "districts": [{"value": d.slug, "label": d.name} for d in district_choices()],
        "categories": [
            {"value": c.code, "label": c.name, "group": c.group or "other"}
            for c in active_categories()
        ],
        "units": [{"value": u.code, "label": u.name} for u in filter_units(request)],
        "channels": _choices(Channel.choices),
        "priorities": _choices(Priority.choices),
    }
    return render(request, "staff/dispatcher.html", {"options": options, "tiles": _tiles()})


@require_GET
@staff_only
def case_page(request: HttpRequest, reference: str) -> HttpResponse:
    """One case: its history, map, contact data (for allowed roles) and actions."""
    report = case_for(request.user, reference)
    detail = case_detail(request.user, report)
    props = detail["properties"]
    return render(
        request,
        "staff/case.html",
        {
            "report": report,
            "props": props,
            "answers": _answers(report),
            "events": [_event(event) for event in props["events"]],
            "audit": [_audited(entry) for entry in props.get("audit", [])],
            "due_at": _when(props["due_at"]),
            "actions": _actions(request, report, props),
            "panels": case_panels(request, report),
            "tiles": _tiles(),
        },
    )


def _answers(report: Report) -> list[dict[str, Any]]:
    """Every answer to the category's questions, the ones residents do not see included."""
    return [
        {"label": question.label, "display": _shown(question.display(report.attributes[code]))}
        for question in report.category.attributes.all()
        if (code := question.code) in report.attributes
    ]


def _shown(display: Any) -> str:
    return ", ".join(map(str, display)) if isinstance(display, list) else str(display)


def _when(iso: str | None) -> datetime | None:
    return datetime.fromisoformat(iso) if iso else None


def _status_label(code: str | None) -> str | None:
    return str(ReportStatus(code).label) if code else None


def _event(event: dict[str, Any]) -> dict[str, Any]:
    """One history entry as the page shows it: a real time and the statuses' labels."""
    return {
        **event,
        "at": _when(event["at"]),
        "from_status_label": _status_label(event["from_status"]),
        "to_status_label": _status_label(event["to_status"]),
    }


def _audited(entry: dict[str, Any]) -> dict[str, Any]:
    """One audit-trail entry as the page shows it: each changed field as old → new text."""
    return {
        **entry,
        "at": _when(entry["at"]),
        "changes": [
            {"field": field, "old": _value(old), "new": _value(new)}
            for field, (old, new) in sorted(entry["changes"].items())
        ],
    }


def _value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _actions(request: HttpRequest, report: Report, props: dict[str, Any]) -> dict[str, Any]:
    """Which forms the case page offers this user, and their choices.

    Only what the role may do and the workflow allows is offered; the API
    checks it all again on every write.
    """
    user = request.user
    if report.held:  # from a banned contact: released or rejected first, nothing else
        return {"review": may(user, Action.REVIEW) and report.status == ReportStatus.NEW}
    is_open = report.status in OPEN_STATUSES
    statuses = [s for s in props["allowed_next"] if s != ReportStatus.DUPLICATE]
    targets = reroute_targets(user).exclude(pk=report.unit_id).order_by("name") if is_open else []
    return {
        "transition": [{"value": s, "label": str(ReportStatus(s).label)} for s in statuses]
        if may(user, Action.TRANSITION)
        else [],
        "needs_public_note": [ReportStatus.RESOLVED.value, ReportStatus.REJECTED.value],
        "note": may(user, Action.NOTE),
        "reroute": [{"value": u.code, "label": u.name} for u in targets],
        "duplicate": may(user, Action.DUPLICATE) and is_open,
        "unduplicate": may(user, Action.DUPLICATE) and report.status == ReportStatus.DUPLICATE,
    }


@require_GET
@staff_only
def intake_page(request: HttpRequest) -> HttpResponse:
    """The consultant's intake form: the resident's form plus channel, contact and priority."""
    if not may(request.user, Action.INTAKE):
        raise PermissionDenied(_("Your role may not register reports."))
    return render(request, "staff/intake.html", intake_context())


def intake_context(**prefill: Any) -> dict[str, Any]:
    """What ``staff/intake.html`` shows. ``prefill`` (from a layer above completing a case
    of its own, e.g. an SMS) may give ``channel``, ``phone``, ``description``,
    ``sms_updates``, a ``lead`` paragraph and the ``submit_url`` the form posts to."""
    districts = district_choices()
    return {
        "categories": list(active_categories()),
        "districts": districts,
        "district_points": [
            {
                "slug": d.slug,
                "name": d.name,
                "lon": round(d.point.x, 6),
                "lat": round(d.point.y, 6),
            }
            for d in districts
        ],
        "channels": _choices(
            [(c, label) for c, label in Channel.choices if c != Channel.WEB]
            + [(Channel.WEB, Channel.WEB.label)]
        ),
        "priorities": _choices(Priority.choices),
        "default_channel": prefill.get("channel", Channel.PHONE.value),
        "default_priority": Priority.NORMAL.value,
        "case_url": "{reference}".join(case_url_parts()),
        "photo_max_bytes": settings.MAPA_PHOTO_MAX_BYTES,
        "photo_max_mb": settings.MAPA_PHOTO_MAX_BYTES // 1_000_000,
        "tiles": _tiles(),
        "sms_offered": sms_offered(),
        "prefill": prefill,
        "submit_url": prefill.get("submit_url", reverse("api-staff-reports")),
    }
