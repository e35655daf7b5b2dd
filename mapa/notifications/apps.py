from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """E-mail to residents and units, and unit webhooks, through a durable outbox."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "mapa.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from mapa.notifications import receivers
        from mapa.reports.signals import report_created, report_rerouted, report_updated

        report_created.connect(receivers.report_created, dispatch_uid="notify-report-created")
        report_rerouted.connect(receivers.report_rerouted, dispatch_uid="notify-report-rerouted")
        report_updated.connect(receivers.report_updated, dispatch_uid="notify-report-updated")
        # Core apps below this one, whose upkeep the worker runs.
        from mapa.idempotency.services import keys_expire
        from mapa.notifications.registry import register_periodic
        from mapa.reports.services import photos_purge_unattached

        register_periodic("expired idempotency keys", keys_expire)
        register_periodic("unattached photos", photos_purge_unattached)
