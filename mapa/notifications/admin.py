"""The outbox in the admin: every message's state, and a retry for failed or uncertain ones.

The recipient (personal data) is on the detail page only, not in the list. The detail
page shows the delivery history: each try, its HTTP status (webhooks) and its redacted
error.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mapa.notifications.models import DeliveryAttempt, Notification
from mapa.notifications.outbox import retry
from mapa.notifications.registry import event_label


class DeliveryAttemptInline(admin.TabularInline[DeliveryAttempt, Notification]):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = readonly_fields = ("number", "started_at", "duration_ms", "ok", "status_code", "error")

    def has_add_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = [
        "report",
        "event_name",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "event", "channel", "unit"]
    list_select_related = ["report"]
    inlines = [DeliveryAttemptInline]
    search_fields = ["report__reference"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Notification._meta.fields]
    actions = ["retry_sending"]

    @admin.display(description=_("event"), ordering="event")
    def event_name(self, notification: Notification) -> str:
        return str(event_label(notification.event))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False  # a message never disappears silently

    @admin.action(description=_("Send again (failed or uncertain messages)"))
    def retry_sending(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = retry(list(queryset))
        self.message_user(
            request,
            ngettext(
                "%(count)d message queued to be sent again.",
                "%(count)d messages queued to be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
