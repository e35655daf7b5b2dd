from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    """Liveness and readiness for load balancers and orchestrators; the worker's heartbeat."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "mapa.health"
    verbose_name = _("Health")
