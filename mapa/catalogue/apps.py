from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "mapa.catalogue"
    label = "catalogue"
    verbose_name = "Units, categories and routing"
