"""Log-in forms, for the staff pages and for Django's admin, throttled alike."""

from __future__ import annotations

import math
from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy, ngettext

from mapa.staff.models import Role
from mapa.staff.roles import role_of
from mapa.staff.throttle import failure_record, login_attempt, seconds_locked, success_record


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's log-in form, refusing attempts while their address or username is locked.

    ``retry_after`` is how many seconds a refused attempt must wait (0 when it
    was not refused); the views answer such a refusal with a 429.
    """

    retry_after = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("aria-describedby", f"{self[name].auto_id}-error")

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return super().clean()  # nothing to try: the fields' own errors say what is missing
        attempt = login_attempt(self.request, username)
        self.retry_after = seconds_locked(attempt)
        if self.retry_after:
            raise ValidationError(too_many_failures(self.retry_after), code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            # Only a wrong username or password counts; the right one for an account that
            # may not log in here (inactive, or not an administrator in the admin) does not.
            if self.user_cache is None:
                failure_record(attempt)
            raise
        success_record(attempt)
        return cleaned

    def confirm_login_allowed(self, user: Any) -> None:
        """An application's account (role ``integration``) never logs in to a page.

        It works through the API with its token: a system account's password must not open
        an interactive session. The right password for it is not a failed guess.
        """
        super().confirm_login_allowed(user)
        if role_of(user) == Role.INTEGRATION:
            raise ValidationError(APPLICATION_ACCOUNT, code="application_account")


class ThrottledAdminAuthenticationForm(ThrottledAuthenticationForm, AdminAuthenticationForm):
    """The admin's log-in form (administrators only), throttled as the staff log-in is."""


APPLICATION_ACCOUNT = gettext_lazy(
    "This is an application's account: it files reports through the API with its token "
    "and cannot log in to the staff pages."
)


def too_many_failures(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed log-ins; try again in %(minutes)d minute.",
        "Too many failed log-ins; try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
