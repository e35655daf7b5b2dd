from django.urls import path

from mapa.reports import apis

urlpatterns = [
    path("reports/", apis.ReportListCreateApi.as_view(), name="api-reports"),
    path("reports/nearby/", apis.ReportNearbyApi.as_view(), name="api-reports-nearby"),
    path("reports/<reference:reference>/", apis.ReportDetailApi.as_view(), name="api-report"),
    path("photos/", apis.PhotoUploadApi.as_view(), name="api-photos"),
]
