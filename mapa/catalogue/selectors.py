"""Read-side queries for the catalogue."""

from __future__ import annotations

from django.db.models import QuerySet

from mapa.catalogue.models import Category


def active_categories() -> QuerySet[Category]:
    """Active categories in the form's order, with their questions and default unit."""
    return (
        Category.objects.filter(active=True)
        .select_related("default_unit")
        .prefetch_related("attributes")
    )
