from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdempotencyConfig(AppConfig):
    """Idempotency-Key: a retried POST gets the first answer again instead of a second write."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "mapa.idempotency"
    verbose_name = _("Idempotent retries")
