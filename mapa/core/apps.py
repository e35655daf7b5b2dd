from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mapa.core"
    label = "core"
    verbose_name = "Mapa core"

    def ready(self) -> None:
        from mapa.core import checks  # noqa: F401  (registers system checks)
