from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """E-mail to residents through a durable outbox and Django's tasks API."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "mapa.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from mapa.notifications import receivers
        from mapa.reports.signals import report_created

        report_created.connect(receivers.report_created, dispatch_uid="notify-report-created")
