from django.apps import AppConfig


class LimitsConfig(AppConfig):
    name = "mapa.limits"
    label = "limits"
    verbose_name = "Rate limits"
