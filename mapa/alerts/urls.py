"""Area alerts and follows: the subscribe page, the report page's "me too" form, the
confirmation link, and the map's JSON "me too"."""

from django.urls import path

from mapa.alerts import apis, views

app_name = "alerts"

urlpatterns = [
    path("alerts/", views.subscribe_page, name="subscribe"),
    path("alerts/sent/", views.sent_page, name="sent"),
    path("alerts/confirm/<str:token>/", views.confirm_page, name="confirm"),
    path("alerts/follow/<reference:reference>/", views.follow_submit, name="follow"),
    path("api/alerts/follows/", apis.FollowApi.as_view(), name="api-follow"),
]
