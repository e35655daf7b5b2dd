from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Erasing reporters' contact data: after the retention period, or on their request."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "mapa.privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from mapa.notifications.registry import register_periodic
        from mapa.privacy import pages
        from mapa.privacy.retention import schedule_daily
        from mapa.staff.extensions import register_case_panel

        register_periodic("retention", schedule_daily)
        register_case_panel("privacy", pages.case_panel)
