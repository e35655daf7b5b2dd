"""Who handles the SMS line (README, "Notifications").

| action                          | consultant | admin | unit staff     | dispatcher | integration |
|---------------------------------|:----------:|:-----:|:--------------:|:----------:|:-----------:|
| see the SMS queue, open a case  | yes        | yes   | no             | no         | no          |
| complete a case (file a report) | yes        | yes   | no             | no         | no          |
| dismiss a case (not a report)   | yes        | yes   | no             | no         | no          |
| reply by SMS to a triage case   | yes        | yes   | no             | no         | no          |
| reply by SMS on a report's page | yes        | yes   | its own cases  | no         | no          |

The triage queue is GCK's, like the intake: the texts have no place or category yet, so
no unit owns them. Once a report is filed, whoever may see the resident's contact on its
case page (mapa/staff/access.py, ``Action.CONTACT``: the unit for its own cases) may also
answer them by SMS, as they could call them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from mapa.core.phones import polish_mobile, sms_offered
from mapa.reports.models import Report
from mapa.sms.models import SmsCase
from mapa.staff.access import Action, case_for, may
from mapa.staff.models import Role
from mapa.staff.roles import AnyUser, role_of

TRIAGE_ROLES = frozenset({Role.CONSULTANT, Role.ADMIN})


def handles_sms_cases(user: AnyUser) -> bool:
    return role_of(user) in TRIAGE_ROLES


def triage_case_for(user: AnyUser, reference: str) -> SmsCase:
    """The SMS case ``reference``: 403 for a role that does not handle them, else 404."""
    if not handles_sms_cases(user):
        raise PermissionDenied(_("Only GCK's consultants handle SMS cases."))
    case = SmsCase.objects.filter(reference=reference).select_related("report").first()
    if case is None:
        raise Http404(_("No SMS case %(reference)s.") % {"reference": reference})
    return case


def may_reply_on_report(user: AnyUser, report: Report) -> bool:
    """May ``user`` text the reporter of a case they see (its page shows the form)?"""
    return (
        sms_offered()
        and may(user, Action.CONTACT)
        and polish_mobile(report.reporter_phone) is not None
    )


def report_for_reply(user: AnyUser, reference: str) -> Report:
    """The case ``reference`` if ``user`` may text its reporter; 404, or 403 otherwise."""
    report = case_for(user, reference, Action.CONTACT)
    if not may_reply_on_report(user, report):
        raise PermissionDenied(_("This case has no mobile number to text."))
    return report
