"""The ban list in the staff workspace (/staff/bans/), for the roles that review held reports.

Consultants (and administrators, who also have the admin) see the active and expired
bans, add one (an e-mail address, a phone number or an IP network, with a reason and
an optional expiry) and lift one. Plain forms: no JavaScript needed. Bans are personal
data: this page is for these roles only, and nothing of a ban is logged.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from mapa.moderation.models import Ban, BanKind
from mapa.moderation.services import ban_create, ban_delete
from mapa.staff.access import Action, may
from mapa.staff.pages import staff_only


class BanForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What to ban"), choices=BanKind.choices)
    value = forms.CharField(
        label=gettext_lazy("E-mail address, phone number or IP network"),
        max_length=254,
        help_text=gettext_lazy("For example troll@example.com, 501 234 567 or 203.0.113.0/24."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    expires_at = forms.DateTimeField(
        label=gettext_lazy("Expires"),
        required=False,
        help_text=gettext_lazy("Empty: the ban never expires."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


@require_http_methods(["GET", "POST"])
@staff_only
def bans_page(request: HttpRequest) -> HttpResponse:
    """GET: the ban list and the form; POST: add a ban, or lift one (``lift=<id>``)."""
    if not may(request.user, Action.REVIEW):
        raise PermissionDenied(_("Your role may not manage the ban list."))
    form = BanForm()
    status = 200
    if request.method == "POST":
        if lift := request.POST.get("lift", ""):
            ban = Ban.objects.filter(pk=int(lift) if lift.isdigit() else 0).first()
            if ban is not None:
                ban_delete(ban=ban)
                messages.success(request, _("The ban is lifted."))
            return redirect("staff:bans")
        form = BanForm(request.POST)
        if form.is_valid() and _added(request, form):
            messages.success(request, _("The ban is added."))
            return redirect("staff:bans")
        status = 400
    bans = Ban.objects.select_related("created_by").order_by("-created_at", "-id")
    return render(request, "staff/bans.html", {"form": form, "bans": bans}, status=status)


def _added(request: HttpRequest, form: BanForm) -> bool:
    data = form.cleaned_data
    try:
        ban_create(
            **{data["kind"]: data["value"]},
            reason=data["reason"],
            expires_at=data["expires_at"],
            created_by=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error("value", message)
        return False
    return True
