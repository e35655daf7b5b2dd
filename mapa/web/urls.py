"""The resident's pages: the map with the report form, one report's public page, statistics."""

from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from mapa.web import stats_views, views

app_name = "web"

urlpatterns = [
    path("", views.map_page, name="map"),
    path("report/", views.report_form_submit, name="report-submit"),
    path("r/<reference:reference>/", views.report_page, name="report"),
    path("stats/", stats_views.stats_page, name="stats"),
    # Language switch (POST language=pl|en; remembered in the django_language cookie)
    # and the JavaScript strings' catalogue (djangojs.po).
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(domain="djangojs"), name="jsi18n"),
]
