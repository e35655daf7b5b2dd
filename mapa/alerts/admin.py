"""Follows and area alerts in the admin (administrators only, as the whole admin is).

The address (personal data) is on the detail page, not in the lists; administrators can
search by it (a resident asking to be forgotten) and unsubscribe rows.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mapa.alerts.models import AreaAlert, Follow


class SubscriptionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    actions = ["unsubscribe"]

    @admin.display(description=_("confirmed"), boolean=True)
    def confirmed(self, subscription: Follow | AreaAlert) -> bool:
        return subscription.confirmed_at is not None

    @admin.display(description=_("active"), boolean=True)
    def active(self, subscription: Follow | AreaAlert) -> bool:
        return subscription.is_active

    @admin.action(description=_("Unsubscribe (no more e-mails)"))
    def unsubscribe(self, request: HttpRequest, queryset: QuerySet[Follow | AreaAlert]) -> None:
        count = queryset.filter(unsubscribed_at__isnull=True).update(unsubscribed_at=timezone.now())
        self.message_user(request, _("Unsubscribed: %(count)d.") % {"count": count})


@admin.register(Follow)
class FollowAdmin(SubscriptionAdmin):
    list_display = ["report", "language", "confirmed", "active", "created_at"]
    list_filter = ["language", "confirmed_at", "unsubscribed_at"]
    list_select_related = ["report"]
    search_fields = ["email", "report__reference"]
    raw_id_fields = ["report"]
    readonly_fields = ["created_at"]


@admin.register(AreaAlert)
class AreaAlertAdmin(SubscriptionAdmin, GISModelAdmin):
    list_display = [
        "id",
        "new_reports",
        "resolved_reports",
        "radius_m",
        "frequency",
        "language",
        "confirmed",
        "active",
        "created_at",
    ]
    list_filter = ["frequency", "language", "new_reports", "resolved_reports", "districts"]
    filter_horizontal = ["districts", "categories"]
    readonly_fields = ["created_at"]
