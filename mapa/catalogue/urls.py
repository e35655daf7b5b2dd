from django.urls import path

from mapa.catalogue import apis

urlpatterns = [
    path("categories/", apis.CategoryListApi.as_view(), name="api-categories"),
    path("routing/", apis.RoutingPreviewApi.as_view(), name="api-routing"),
]
