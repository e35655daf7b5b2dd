"""The OpenAPI description's view (``/api/schema/``), generated once per process and language."""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from django.core.signals import setting_changed
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response


class SchemaView(SpectacularAPIView):
    """``/api/schema/``, generated once per process and language, not on every request.

    drf-spectacular's view builds the whole description (every view, serializer and
    hook) for each request, which costs more than any API answer. The description
    served is public (``SERVE_PUBLIC``: the same whoever asks), so it depends only on
    the language its texts are in (``Accept-Language``, or ``?lang=``) and the API
    version asked for; it is kept per (language, version), and forgotten when a
    setting changes (tests). Each format (YAML, JSON) is rendered from it per request.
    """

    _generated: ClassVar[dict[tuple[str, str | None], dict[str, Any]]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def _get_schema_response(self, request: Any) -> Response:
        version = (
            self.api_version or request.version or self._get_version_parameter(request)  # type: ignore[no-untyped-call]
        )
        key = (translation.get_language() or "", version)
        with self._lock:
            document = self._generated.get(key)
            if document is None:
                generator = self.generator_class(
                    urlconf=self.urlconf, api_version=version, patterns=self.patterns
                )
                document = generator.get_schema(  # type: ignore[no-untyped-call]
                    request=request, public=self.serve_public
                )
                self._generated[key] = document
        filename = self._get_filename(request, version)  # type: ignore[no-untyped-call]
        return Response(
            data=document, headers={"Content-Disposition": f'inline; filename="{filename}"'}
        )

    @classmethod
    def forget(cls, **kwargs: Any) -> None:
        with cls._lock:
            cls._generated.clear()


setting_changed.connect(SchemaView.forget, dispatch_uid="mapa.core.openapi.SchemaView.forget")
