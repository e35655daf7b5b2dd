"""The rate limits in the API's description: the 429 and its ``Retry-After`` header."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from mapa.core import openapi as doc

TOO_MANY_REQUESTS = doc.detail_error(
    429,
    "Too many requests from your connection; please try again in 50 minutes.",
    description=(
        "This client's limit for such requests is used up (per address; per account with "
        "a token): retry after `Retry-After` seconds. Nothing was done."
    ),
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    location=OpenApiParameter.HEADER,
    response=[429],
    description="Whole seconds until the client's count starts again.",
)
