from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "mapa.reports"
    label = "reports"
    verbose_name = "Reports"
