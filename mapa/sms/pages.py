"""GCK's SMS pages in the staff workspace: the queue, one case, completing or dismissing
it, replying.

Completing a case is the intake form (staff/intake.html) with the case's texts, number
and channel filled in, posting to ``POST /api/staff/sms/cases/<reference>/complete/``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mapa.reports.models import Report
from mapa.sms.access import (
    handles_sms_cases,
    may_reply_on_report,
    report_for_reply,
    triage_case_for,
)
from mapa.sms.models import CaseStatus, SmsCase
from mapa.sms.selectors import conversation, open_cases, recently_completed
from mapa.sms.services import SmsError, case_dismiss, case_texts, reply_send
from mapa.staff.pages import intake_context, staff_only


@require_GET
@staff_only
def queue_page(request: HttpRequest) -> HttpResponse:
    """The open SMS cases, oldest first, and the last ones completed."""
    if not handles_sms_cases(request.user):
        raise PermissionDenied(_("Only GCK's consultants handle SMS cases."))
    cases = list(open_cases())
    return render(
        request,
        "sms/queue.html",
        {"cases": cases, "count": len(cases), "completed": list(recently_completed())},
    )


@require_GET
@staff_only
def case_page(request: HttpRequest, reference: str) -> HttpResponse:
    case = triage_case_for(request.user, reference)
    return _case(request, case)


def _case(
    request: HttpRequest,
    case: SmsCase,
    *,
    text: str = "",
    error: str = "",
    note: str = "",
    note_error: str = "",
) -> HttpResponse:
    return render(
        request,
        "sms/case.html",
        {
            "case": case,
            "conversation": conversation(case=case, report=case.report),
            "reply": {
                "text": text,
                "error": error,
                "action": reverse("sms:reply", args=[case.reference]),
            },
            "dismiss": {"note": note, "error": note_error},
        },
        status=400 if error or note_error else 200,
    )


@require_POST
@staff_only
def dismiss_page(request: HttpRequest, reference: str) -> HttpResponse:
    """Dismiss an open case (not a report): back to the queue, or the case page with the
    reason asked for again."""
    case = triage_case_for(request.user, reference)
    note = request.POST.get("note", "")
    try:
        case_dismiss(case=case, user=request.user, note=note)  # type: ignore[arg-type]
    except SmsError as exc:
        if exc.field != "note":  # no longer open: the page says what became of it
            messages.info(request, str(exc))
            return HttpResponseRedirect(reverse("sms:case", args=[case.reference]))
        return _case(request, case, note=note, note_error=str(exc))
    messages.success(request, _("Case %(reference)s is dismissed.") % {"reference": case.reference})
    return HttpResponseRedirect(reverse("sms:queue"))


@require_GET
@staff_only
def complete_page(request: HttpRequest, reference: str) -> HttpResponse:
    """The intake form for an open case: place and category are the consultant's to add."""
    case = triage_case_for(request.user, reference)
    if case.status != CaseStatus.OPEN:
        messages.info(
            request,
            _("Case %(reference)s has already been completed.") % {"reference": case.reference},
        )
        return HttpResponseRedirect(reverse("sms:case", args=[case.reference]))
    lead = _(
        "Completing the SMS case %(reference)s: choose the place and the category. The "
        "report keeps this reference; the sender is told by SMS."
    ) % {"reference": case.reference}
    context = intake_context(
        channel="sms",
        phone=case.phone,
        description=case_texts(case),
        sms_updates=True,
        lead=lead,
        submit_url=reverse("sms:api-complete", args=[case.reference]),
    )
    return render(request, "staff/intake.html", context)


@require_http_methods(["GET", "POST"])
@staff_only
def reply_page(request: HttpRequest, reference: str) -> HttpResponse:
    """Reply by SMS: to a triage case (its page) or to a report's reporter (its case page).

    A reply is queued through the outbox and recorded in the conversation; the form goes
    back to the page it came from. A refused reply shows the form again with the reason.
    """
    case = SmsCase.objects.filter(reference=reference).select_related("report").first()
    if case is not None and case.report is None:
        case = triage_case_for(request.user, reference)
        target: dict[str, object] = {"case": case, "report": None, "phone": case.phone}
        back = reverse("sms:case", args=[reference])
    else:
        report = report_for_reply(request.user, reference)
        target = {"case": case, "report": report, "phone": report.reporter_phone}
        back = reverse("staff:case", args=[reference])
    text = request.POST.get("text", "") if request.method == "POST" else ""
    error = ""
    if request.method == "POST":
        try:
            reply_send(text=text, author=request.user, **target)  # type: ignore[arg-type]
        except SmsError as exc:
            error = str(exc)
        else:
            messages.success(request, _("The reply is on its way by SMS."))
            return HttpResponseRedirect(back + "#sms")
    if case is not None and case.report is None:
        return _case(request, case, text=text, error=error)
    return render(
        request,
        "sms/reply.html",
        {
            "reference": reference,
            "back": back,
            "reply": {"text": text, "error": error, "action": request.path},
        },
        status=400 if error else 200,
    )


def case_panel(request: HttpRequest, report: Report) -> str:
    """The SMS conversation and the reply form on a report's case page (mapa/staff)."""
    texts = conversation(report=report, case=getattr(report, "sms_case", None))
    can_reply = may_reply_on_report(request.user, report)
    if not texts and not can_reply:
        return ""
    return render_to_string(
        "sms/_panel.html",
        {
            "conversation": texts,
            "can_reply": can_reply,
            "reply": {
                "text": "",
                "error": "",
                "action": reverse("sms:reply", args=[report.reference]),
            },
        },
        request=request,
    )


def received_page(request: HttpRequest, reference: str) -> HttpResponse | None:
    """The public page of an SMS case's reference that is not a report: received, being
    handled; or closed without a report. Nothing else about it (the texts, the number and
    the reason are not public)."""
    status = (
        SmsCase.objects.filter(
            reference=reference, status__in=[CaseStatus.OPEN, CaseStatus.DISMISSED]
        )
        .values_list("status", flat=True)
        .first()
    )
    if status is None:
        return None
    return render(
        request,
        "sms/received.html",
        {"reference": reference, "dismissed": status == CaseStatus.DISMISSED},
    )
