from django.urls import path

from mapa.districts import apis

urlpatterns = [
    path("districts/", apis.DistrictListApi.as_view(), name="api-districts"),
]
