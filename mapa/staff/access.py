"""Who may see which case and do what with it: enforced on the object, everywhere.

The API, the pages and the admin all ask here. A case a user may not see
does not exist for them: ``case_for`` raises ``Http404``, exactly as for a
reference that names no case, so its existence is not confirmed. A case they
may see but not act on in the asked way is a ``PermissionDenied`` (403).

| action      | consultant | unit staff (own units) | dispatcher | admin | integration |
|-------------|:----------:|:----------------------:|:----------:|:-----:|:-----------:|
| view        | all        | own                    | all        | all   | filed by it |
| contact     | yes        | yes                    | no         | yes   | no          |
| intake      | yes        | no                     | no         | yes   | yes         |
| transition  | yes        | yes                    | yes        | yes   | no          |
| note        | yes        | yes                    | yes        | yes   | no          |
| duplicate   | yes        | yes                    | yes        | yes   | no          |
| reroute     | any unit   | back to GCK only       | no         | any   | no          |
| merge       | yes        | no                     | yes        | yes   | no          |
| review      | yes        | no                     | no         | yes   | no          |
| tools       | yes        | yes                    | yes        | yes   | no          |

Unit staff's "own units" include those units' district offices. An integration
account (one application filing reports, e.g. through Open311) sees only the
reports it registered, through the API with its token: it never logs in to the
pages (``mapa.staff.forms``, ``pages.staff_only``), and none of the tools are its.
Unit staff do not see reports held for review (from a
banned contact, mapa.reports.review): GCK's consultants release or reject them.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from mapa.catalogue.models import Unit
from mapa.reports.models import PUBLIC_REPORTS, Report
from mapa.staff.models import Role
from mapa.staff.roles import AnyUser, role_of, units_of


class Action(StrEnum):
    VIEW = "view"
    CONTACT = "contact"
    INTAKE = "intake"
    TRANSITION = "transition"
    NOTE = "note"
    DUPLICATE = "duplicate"
    REROUTE = "reroute"
    MERGE = "merge"
    REVIEW = "review"  # release or reject a report held for review
    TOOLS = "tools"  # the workspace's tools beyond cases: hotspots, routing and coverage


_EVERY = frozenset(Action)
ALLOWED: dict[Role, frozenset[Action]] = {
    Role.CONSULTANT: _EVERY,
    Role.UNIT_STAFF: _EVERY - {Action.INTAKE, Action.MERGE, Action.REVIEW},
    Role.DISPATCHER: _EVERY - {Action.CONTACT, Action.INTAKE, Action.REROUTE, Action.REVIEW},
    Role.ADMIN: _EVERY,
    Role.INTEGRATION: frozenset({Action.VIEW, Action.INTAKE}),  # its own reports, nothing else
}


def may(user: AnyUser, action: Action) -> bool:
    """May ``user``'s role do ``action`` at all (on the cases they can see)?"""
    role = role_of(user)
    return role is not None and action in ALLOWED[role]


def visible_reports(user: AnyUser) -> QuerySet[Report]:
    """Every case ``user`` may see: all for GCK, dispatchers, admins; its own for a unit;
    the reports it registered for an integration account."""
    role = role_of(user)
    if role is None:
        return Report.objects.none()
    if role == Role.INTEGRATION:
        assert user is not None  # it has a role
        return Report.objects.filter(registered_by_id=user.pk)
    if role != Role.UNIT_STAFF:
        return Report.objects.all()
    units = units_of(user)
    # Not a unit's case until released: a report held for review is GCK's to decide.
    return Report.objects.filter(
        Q(unit_id__in=units) | Q(unit__parent_id__in=units), PUBLIC_REPORTS
    )


def case_for(user: AnyUser, reference: str, action: Action = Action.VIEW) -> Report:
    """The case ``reference`` if ``user`` may see it and do ``action``; else 404 or 403."""
    report = visible_reports(user).filter(reference=reference).first()
    if report is None:
        raise Http404(_("No report with reference %(reference)s.") % {"reference": reference})
    if not may(user, action):
        raise PermissionDenied(_("Your role may not do this with a case."))
    return report


def reroute_targets(user: AnyUser) -> QuerySet[Unit]:
    """The units ``user`` may send a case to: any active unit, or for unit staff only GCK."""
    role = role_of(user)
    if role is None or Action.REROUTE not in ALLOWED[role]:
        return Unit.objects.none()
    active = Unit.objects.filter(active=True)
    return active.filter(is_triage=True) if role == Role.UNIT_STAFF else active


def acting_unit(user: AnyUser) -> Unit | None:
    """The unit a user acts for in a case's history: GCK for consultants, a unit's own staff's."""
    role = role_of(user)
    if role == Role.CONSULTANT:
        return Unit.objects.filter(is_triage=True).first()
    if role == Role.UNIT_STAFF:
        units = units_of(user)
        return Unit.objects.filter(pk=units[0]).first() if units else None
    return None
