from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    """Follows of one report and area alerts, sent through the notifications outbox."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "mapa.alerts"
    verbose_name = _("Alerts")
