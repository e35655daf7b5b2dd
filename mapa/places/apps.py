from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "mapa.places"
    label = "places"
    verbose_name = "Addresses and places"
