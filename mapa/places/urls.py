from django.urls import path

from mapa.places import apis

urlpatterns = [
    path("places/", apis.PlaceSearchApi.as_view(), name="api-places"),
]
