"""Staff accounts in the admin: the role and units on the user's own page.

API tokens are DRF's own admin (Auth Token > Tokens), where administrators
create and revoke them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.http import HttpRequest

from mapa.staff.models import StaffProfile
from mapa.staff.services import StaffAccountError, staff_admin_flags_apply, staff_units_check


class StaffProfileForm(forms.ModelForm[StaffProfile]):
    class Meta:
        model = StaffProfile
        fields = ["role", "units"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "role" in cleaned and "units" in cleaned:
            try:
                staff_units_check(role=cleaned["role"], units=cleaned["units"])
            except StaffAccountError as exc:
                raise forms.ValidationError({"units": str(exc)}) from exc
        return cleaned


class StaffProfileInline(admin.StackedInline[StaffProfile, User]):
    model = StaffProfile
    form = StaffProfileForm
    can_delete = True
    extra = 0
    max_num = 1
    filter_horizontal = ["units"]
    verbose_name_plural = "staff role"


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin[User]):
    """Django's user admin with the staff role; the role decides the admin flags."""

    inlines = [StaffProfileInline]
    list_display = ["username", "email", "staff_role", "staff_units", "is_active", "last_login"]
    list_filter = ["staff__role", "is_active", "is_superuser"]
    list_select_related = ["staff"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("staff__units")

    @admin.display(description="role", ordering="staff__role")
    def staff_role(self, user: User) -> str:
        profile = getattr(user, "staff", None)
        return profile.get_role_display() if isinstance(profile, StaffProfile) else "—"

    @admin.display(description="units")
    def staff_units(self, user: User) -> str:
        profile = getattr(user, "staff", None)
        if not isinstance(profile, StaffProfile):
            return "—"
        return ", ".join(unit.code for unit in profile.units.all()) or "—"

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        staff_admin_flags_apply(user=form.instance)
