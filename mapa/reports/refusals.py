"""Why a report was refused, as field errors: one mapping for the API and the pages.

The services raise domain exceptions; this turns each into the API's
``{"field": [messages]}`` shape. The pages map these API field names onto
their form's fields.
"""

from __future__ import annotations

from typing import Any

from mapa.catalogue.attributes import AttributeErrors
from mapa.districts.locating import OutsideServiceArea
from mapa.reports.services import PhotoNotAvailable

# What ``report_create`` may refuse a report for (nothing is saved then).
REPORT_REFUSALS = (OutsideServiceArea, AttributeErrors, PhotoNotAvailable)


def refusal_errors(exc: Exception) -> dict[str, Any]:
    """Field errors for one of ``REPORT_REFUSALS``.

    ``location`` and ``photos`` get a list of messages; ``attributes`` gets the
    messages per question code, ``{"animal": ["This field is required."]}``.
    """
    if isinstance(exc, OutsideServiceArea):
        return {"location": [exc.message]}
    if isinstance(exc, AttributeErrors):
        return {"attributes": exc.errors}
    if isinstance(exc, PhotoNotAvailable):
        return {"photos": [str(exc)]}
    raise TypeError(f"not a report refusal: {exc!r}")
