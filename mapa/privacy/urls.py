from django.urls import path

from mapa.privacy import views

app_name = "privacy"

urlpatterns = [
    path("privacy/remove/<str:token>/", views.remove, name="remove"),
]
