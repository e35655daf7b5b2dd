"""Log-in and log-out for city staff, under /staff/ (mapa/urls.py includes them)."""

from django.urls import path

from mapa.staff import views

app_name = "staff_auth"

urlpatterns = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("logout/", views.StaffLogoutView.as_view(), name="logout"),
]
