"""The staff API under /api/staff/ (mapa/urls.py includes it)."""

from django.urls import path

from mapa.staff import apis, hotspot_apis, map_apis, routing_apis

urlpatterns = [
    path("reports/", apis.StaffReportListApi.as_view(), name="api-staff-reports"),
    path(
        "reports/map/<int:z>/<int:x>/<int:y>.geojson",
        map_apis.CaseMapTileApi.as_view(),
        name="api-staff-map-tile",
    ),
    path("reports/map/count/", map_apis.CaseMapCountApi.as_view(), name="api-staff-map-count"),
    path(
        "reports/<reference:reference>/",
        apis.StaffReportDetailApi.as_view(),
        name="api-staff-report",
    ),
    path(
        "reports/<reference:reference>/transition/",
        apis.TransitionApi.as_view(),
        name="api-staff-transition",
    ),
    path(
        "reports/<reference:reference>/reroute/",
        apis.RerouteApi.as_view(),
        name="api-staff-reroute",
    ),
    path(
        "reports/<reference:reference>/duplicate/",
        apis.DuplicateApi.as_view(),
        name="api-staff-duplicate",
    ),
    path(
        "reports/<reference:reference>/unduplicate/",
        apis.UnduplicateApi.as_view(),
        name="api-staff-unduplicate",
    ),
    path("reports/<reference:reference>/notes/", apis.NoteApi.as_view(), name="api-staff-notes"),
    path(
        "reports/<reference:reference>/review/",
        apis.ReviewApi.as_view(),
        name="api-staff-review",
    ),
    path("hotspots/", hotspot_apis.HotspotListApi.as_view(), name="api-staff-hotspots"),
    path(
        "hotspots/merge/", hotspot_apis.HotspotMergeApi.as_view(), name="api-staff-hotspots-merge"
    ),
    path("coverage/", routing_apis.CoverageApi.as_view(), name="api-staff-coverage"),
]
