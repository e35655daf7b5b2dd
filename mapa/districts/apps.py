from django.apps import AppConfig


class DistrictsConfig(AppConfig):
    name = "mapa.districts"
    label = "districts"
    verbose_name = "Cities and districts"
