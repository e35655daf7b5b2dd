"""Input fields for the catalogue: a category named by its code."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from mapa.catalogue.models import Category
from mapa.catalogue.selectors import active_category
from mapa.core.serializers import LonLatInput

CODE_MAX_LENGTH = 40


class CategoryCodeField(serializers.CharField):
    """A category code → the active Category with its questions (one query); unknown codes
    are named in the error."""

    def to_internal_value(self, data: Any) -> Category:  # type: ignore[override]
        code = super().to_internal_value(data)
        category = None if len(code) > CODE_MAX_LENGTH else active_category(code)
        if category is None:
            raise serializers.ValidationError(
                _("Unknown category “%(code)s”; see /api/categories/ for the list.")
                % {"code": code}
            )
        return category


class RoutingPreviewInput(LonLatInput):
    category = CategoryCodeField(
        required=False, help_text="A category's code; without it only the district is answered."
    )
