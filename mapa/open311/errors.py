"""The one exception Open311's views answer with the standard's error array."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class Open311Error(Exception):
    """An error answered as ``[{"code": status, "description": ...}, ...]``.

    A 400 names the field in each description (``"lat: ..."``), so a client
    knows what to fix.
    """

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = list(descriptions)

    @classmethod
    def bad_field(cls, field: str, message: str) -> Open311Error:
        return cls(400, f"{field}: {message}")

    @classmethod
    def bad_fields(cls, errors: Mapping[str, Any]) -> Open311Error:
        """A 400 from field errors in DRF's shape, ``{"field": ["message", ...]}``."""
        return cls(400, *flatten(errors))


def flatten(errors: Any, prefix: str = "") -> list[str]:
    """``{"attribute": {"animal": ["required"]}}`` → ``["attribute[animal]: required"]``."""
    if isinstance(errors, Mapping):
        lines: list[str] = []
        for name, value in errors.items():
            field = f"{prefix}[{name}]" if prefix else str(name)
            lines.extend(flatten(value, field))
        return lines
    if isinstance(errors, list | tuple):
        return [line for item in errors for line in flatten(item, prefix)]
    return [f"{prefix}: {errors}" if prefix else str(errors)]
