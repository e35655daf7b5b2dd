"""The reporter's removal page: ``/privacy/remove/<token>/``, from the signed link in their
e-mails (mapa/notifications/removal.py). No log-in: the token is the authority.

GET shows what would be removed and a form; only a POST (with its CSRF token) removes,
because mail scanners follow links. Removing twice is fine: the second time, and any
later visit, says it is done. A link we did not sign, or for a report that no longer has
that address, is a 404 page; an expired one a 400 page; never a 500.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from mapa.notifications.removal import LinkExpired, read_removal_token
from mapa.privacy.models import Erasure
from mapa.privacy.services import erase_on_request
from mapa.reports.models import Report

TEMPLATE = "privacy/remove.html"


class RemovalForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Remove my contact data from"),
        choices=[
            ("report", _("this report only")),
            ("all", _("every report I filed with this e-mail address")),
        ],
        initial="report",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose which reports to remove your contact data from.")},
    )


@require_http_methods(["GET", "POST"])
def remove(request: HttpRequest, token: str) -> HttpResponse:
    try:
        asked = read_removal_token(token)
    except LinkExpired:
        context = {"state": "expired", "days": settings.MAPA_REMOVAL_LINK_DAYS}
        return render(request, TEMPLATE, context, status=400)
    report = Report.objects.filter(reference=asked.reference).first() if asked else None
    if asked is None or report is None:
        return render(request, TEMPLATE, {"state": "invalid"}, status=404)
    context = {"reference": report.reference}
    if not asked.matches(report.reporter_email):
        if not report.reporter_email and Erasure.objects.filter(report=report).exists():
            return render(request, TEMPLATE, {**context, "state": "done"})
        return render(request, TEMPLATE, {"state": "invalid"}, status=404)
    form = RemovalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, TEMPLATE, {**context, "state": "ask", "form": form}, status=400)
        erase_on_request(
            report, email=report.reporter_email, all_reports=form.cleaned_data["scope"] == "all"
        )
        return render(request, TEMPLATE, {**context, "state": "done"})
    return render(request, TEMPLATE, {**context, "state": "ask", "form": form})
