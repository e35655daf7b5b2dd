from django.urls import URLPattern

app_name = "sms"

urlpatterns: list[URLPattern] = []
