"""Open311 GeoReport v2 under /open311/v2/ (mapa/urls.py includes it).

Every resource takes a format suffix (``services.json``, ``services.xml``);
anything else under this prefix is the standard's 404 (``NotFoundApi``).
"""

from django.urls import URLPattern, re_path

from mapa.core.guards import REFERENCE_PATTERN
from mapa.open311 import apis

FORMAT = r"\.(?P<fmt>[A-Za-z0-9]+)$"

urlpatterns: list[URLPattern] = [
    re_path(r"^discovery" + FORMAT, apis.DiscoveryApi.as_view(), name="open311-discovery"),
    re_path(r"^services" + FORMAT, apis.ServiceListApi.as_view(), name="open311-services"),
    re_path(
        r"^services/(?P<service_code>[-A-Za-z0-9_]{1,40})" + FORMAT,
        apis.ServiceDefinitionApi.as_view(),
        name="open311-service",
    ),
    re_path(r"^requests" + FORMAT, apis.RequestListApi.as_view(), name="open311-requests"),
    re_path(
        rf"^requests/(?P<service_request_id>{REFERENCE_PATTERN})" + FORMAT,
        apis.RequestDetailApi.as_view(),
        name="open311-request",
    ),
    re_path(r"^", apis.NotFoundApi.as_view(), name="open311-not-found"),
]
