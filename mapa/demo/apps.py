from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demonstration reports for `make run` (``load_demo_reports``); no models, no pages."""

    name = "mapa.demo"
    label = "demo"
    verbose_name = "Demonstration data"
