from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mapa.core"
    label = "core"
    verbose_name = "Mapa core"

    def ready(self) -> None:
        from django.urls import register_converter

        from mapa.core import (
            checks,  # noqa: F401  (registers system checks)
            openapi,  # noqa: F401  (registers the schema's GeoJSON extensions)
        )
        from mapa.core.audit import name_commands_in_the_trail
        from mapa.core.guards import ReferenceConverter

        register_converter(ReferenceConverter, "reference")
        name_commands_in_the_trail()
