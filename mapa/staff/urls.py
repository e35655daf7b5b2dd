"""The staff workspace's pages under /staff/ (mapa/urls.py includes them)."""

from django.urls import path

from mapa.staff import ban_pages, hotspot_pages, pages, routing_pages, stats_pages

app_name = "staff"

urlpatterns = [
    path("", pages.dispatcher_page, name="dispatcher"),
    path("r/<reference:reference>/", pages.case_page, name="case"),
    path("intake/", pages.intake_page, name="intake"),
    path("hotspots/", hotspot_pages.hotspots_page, name="hotspots"),
    path("routing/", routing_pages.routing_page, name="routing"),
    path("stats/", stats_pages.stats_page, name="stats"),
    path("bans/", ban_pages.bans_page, name="bans"),
]
