from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    """Follows of one report and area alerts, sent through the notifications outbox."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "mapa.alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from mapa.alerts import digest, emails, receivers
        from mapa.notifications.registry import register_periodic
        from mapa.reports.signals import report_created, report_updated

        emails.register()
        report_created.connect(receivers.report_created, dispatch_uid="alerts-report-created")
        report_updated.connect(receivers.report_updated, dispatch_uid="alerts-report-updated")
        register_periodic("alert digests", digest.send_due_digests)
