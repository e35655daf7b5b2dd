from django.conf import settings
from django.contrib import admin
from django.http import FileResponse, HttpRequest
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularSwaggerSplitView

from mapa.core import errors
from mapa.core.schema_view import SchemaView


def media(request: HttpRequest, path: str) -> FileResponse:
    """An uploaded photo, from MEDIA_ROOT as it is now (not as it was at import)."""
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))


urlpatterns = [
    path("admin/", admin.site.urls),
    # Probes: /health/live/ (the process answers) and /health/ready/ (database and worker).
    path("health/", include("mapa.health.urls")),
    path("api/", include("mapa.reports.urls")),
    path("api/", include("mapa.catalogue.urls")),
    path("api/", include("mapa.districts.urls")),
    path("api/", include("mapa.places.urls")),
    path("api/staff/", include("mapa.staff.api_urls")),
    # The API's OpenAPI 3 description (YAML; ?format=json) and Swagger UI over it,
    # every file of which comes from our static files (drf-spectacular-sidecar); the split
    # view serves its start script as a file (?script), as the Content-Security-Policy wants.
    # Generated once per process and language (mapa.core.schema_view).
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="core/api_docs.html"
        ),
        name="api-docs",
    ),
    path("api/exports/", include("mapa.exports.urls")),
    path("api/exports/", include("mapa.exports.briefing_urls")),
    path("open311/v2/", include("mapa.open311.urls")),
    path("staff/", include("mapa.staff.auth_urls")),
    path("staff/", include("mapa.staff.urls")),
    path("", include("mapa.notifications.urls")),
    path("", include("mapa.alerts.urls")),
    path("", include("mapa.sms.urls")),
    path("", include("mapa.privacy.urls")),
    path("", include("mapa.web.urls")),
    # Uploaded photos. Django serves them itself so that a single container is
    # enough; a large deployment can hand /media/ to its web server instead.
    re_path(r"^media/(?P<path>.*)$", media),
]


# What no view answered: JSON under /api/, the site's error pages elsewhere.
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
