from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "mapa.web"
    label = "web"
    verbose_name = "Resident pages"
