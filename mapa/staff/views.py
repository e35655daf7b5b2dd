"""Log-in and log-out for city staff (``/staff/login/``, ``/staff/logout/``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from mapa.staff.forms import ThrottledAuthenticationForm

TOO_MANY_REQUESTS = 429


class StaffLoginView(LoginView):
    template_name = "staff/login.html"
    authentication_form = ThrottledAuthenticationForm

    def form_invalid(self, form: Any) -> HttpResponse:
        return throttled_as_429(super().form_invalid(form))


class StaffLogoutView(LogoutView):
    """Log out (POST only, as Django requires), then back to the log-in page with a note."""

    next_page = "staff_auth:login"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        was_logged_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_logged_in:
            messages.success(request, _("You have logged out."))
        return response


def throttled_as_429(response: HttpResponse) -> HttpResponse:
    """A log-in page refused by the throttle says so in its status and ``Retry-After``.

    The page itself (the form and its message) is rendered as for any other
    failed log-in, from the template response's form.
    """
    context = getattr(response, "context_data", None) or {}
    form = context.get("form")
    if isinstance(form, ThrottledAuthenticationForm) and form.retry_after:
        response.status_code = TOO_MANY_REQUESTS
        response["Retry-After"] = str(form.retry_after)
    return response
