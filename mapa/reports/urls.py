from django.urls import path

from mapa.reports import apis, map_apis

urlpatterns = [
    path("reports/", apis.ReportListCreateApi.as_view(), name="api-reports"),
    path("reports/nearby/", apis.ReportNearbyApi.as_view(), name="api-reports-nearby"),
    path(
        "reports/map/<int:z>/<int:x>/<int:y>.geojson",
        map_apis.MapTileApi.as_view(),
        name="api-reports-map-tile",
    ),
    path("reports/map/count/", map_apis.MapCountApi.as_view(), name="api-reports-map-count"),
    path("reports/<reference:reference>/", apis.ReportDetailApi.as_view(), name="api-report"),
    path("photos/", apis.PhotoUploadApi.as_view(), name="api-photos"),
]
