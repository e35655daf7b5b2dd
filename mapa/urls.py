from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("mapa.reports.urls")),
    path("api/", include("mapa.districts.urls")),
]
