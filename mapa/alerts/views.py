"""The resident's pages for alerts: subscribe to an area, follow a report (the report
page's form), confirm an address. Plain forms: they work without JavaScript."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mapa.alerts.digest import DIGEST_LISTED
from mapa.alerts.forms import AreaAlertForm, FollowForm
from mapa.alerts.models import AreaAlert, Follow, Frequency
from mapa.alerts.services import (
    IMMEDIATE_PER_DAY,
    SubscriptionRefused,
    area_alert_create,
    follow_request,
    subscription_confirm,
)
from mapa.alerts.tokens import LinkExpired, read_confirm_token
from mapa.limits.throttling import mark_refused, refusal_message
from mapa.notifications.receivers import resident_language
from mapa.reports.models import PUBLIC_REPORTS, Report


def _subscribe_context(form: AreaAlertForm) -> dict[str, object]:
    return {
        "form": form,
        "tiles": {"url": settings.MAPA_TILE_URL, "attribution": settings.MAPA_TILE_ATTRIBUTION},
        "cap": IMMEDIATE_PER_DAY,
        "listed": DIGEST_LISTED,
    }


@require_http_methods(["GET", "POST"])
def subscribe_page(request: HttpRequest) -> HttpResponse:
    """GET: the area alert form. POST: store it unconfirmed, e-mail the link."""
    if request.method == "GET":
        return render(request, "alerts/subscribe.html", _subscribe_context(AreaAlertForm()))
    form = AreaAlertForm(request.POST)
    limited = refusal_message(request, "subscriptions")  # as the API's, counted alike
    if limited:
        form.is_valid()
        form.add_error(None, limited[1])
        return mark_refused(
            render(request, "alerts/subscribe.html", _subscribe_context(form)), limited[0]
        )
    if form.is_valid():
        data = form.cleaned_data
        try:
            area_alert_create(
                email=data["email"],
                language=resident_language(),
                new_reports="new" in data["kinds"],
                resolved_reports="resolved" in data["kinds"],
                area=form.area_value(),
                categories=data["categories"],
                frequency=Frequency(data["frequency"]),
            )
        except SubscriptionRefused as refused:
            for field, messages in refused.errors.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect("alerts:sent")
    return render(request, "alerts/subscribe.html", _subscribe_context(form), status=400)


@require_GET
def sent_page(request: HttpRequest) -> HttpResponse:
    """ "Check your inbox": the same words whoever the address is."""
    return render(request, "alerts/sent.html")


@require_POST
def follow_submit(request: HttpRequest, reference: str) -> HttpResponse:
    """The report page's "me too" form (no JavaScript needed)."""
    report = Report.objects.filter(PUBLIC_REPORTS, reference=reference).first()
    if report is None:
        raise Http404(_("No report with reference %(reference)s.") % {"reference": reference})
    form = FollowForm(request.POST)
    errors: list[str] = []
    limited = refusal_message(request, "subscriptions")
    if limited:
        context = {"reference": report.reference, "errors": [limited[1]], "form": form}
        return mark_refused(render(request, "alerts/follow_refused.html", context), limited[0])
    if form.is_valid():
        try:
            follow_request(
                report=report, email=form.cleaned_data["email"], language=resident_language()
            )
        except SubscriptionRefused as refused:
            errors = [m for messages in refused.errors.values() for m in messages]
        else:
            return redirect("alerts:sent")
    else:
        errors = [str(m) for messages in form.errors.values() for m in messages]
    return render(
        request,
        "alerts/follow_refused.html",
        {"reference": report.reference, "errors": errors, "form": form},
        status=400,
    )


@require_http_methods(["GET", "POST"])
def confirm_page(request: HttpRequest, token: str) -> HttpResponse:
    """GET: one button (a mail scanner opening the link confirms nothing). POST: confirm."""
    try:
        found = read_confirm_token(token)
    except LinkExpired:
        return render(request, "alerts/confirm.html", {"expired": True}, status=410)
    if found is None:
        raise Http404(_("This confirmation link is not valid."))
    kind, pk = found
    model = Follow if kind == "follow" else AreaAlert
    subscription = model.objects.filter(pk=pk).first()
    if subscription is None or subscription.unsubscribed_at is not None:
        raise Http404(_("This confirmation link is no longer valid."))
    context: dict[str, object] = {"kind": kind, "subscription": subscription}
    if isinstance(subscription, Follow):
        context["report_url"] = reverse("web:report", args=[subscription.report.reference])
        context["reference"] = subscription.report.reference
    if request.method == "POST":
        context["subscription"] = subscription_confirm(kind, pk)
        context["done"] = True
    return render(request, "alerts/confirm.html", context)
