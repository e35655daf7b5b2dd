"""System checks for configuration that is dangerous in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def production_profile(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors = []
    if settings.MAPA_ENV != "production":
        errors.append(
            Error(
                f"MAPA_ENV is {settings.MAPA_ENV!r}; deployments must run with "
                "MAPA_ENV=production.",
                id="mapa.E001",
            )
        )
    if settings.MAPA_TILE_URL.startswith("http://"):
        errors.append(Error("MAPA_TILE_URL must use https in production.", id="mapa.E002"))
    return errors
