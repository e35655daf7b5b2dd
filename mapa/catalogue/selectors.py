"""Read-side queries for the catalogue."""

from __future__ import annotations

import functools
import json
from typing import Any

from django.contrib.postgres.aggregates import JSONBAgg
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject

from mapa.catalogue.models import Category, CategoryAttribute


def active_categories() -> QuerySet[Category]:
    """Active categories in the form's order, with their questions and default unit."""
    return (
        Category.objects.filter(active=True)
        .select_related("default_unit")
        .prefetch_related("attributes")
    )


# A question's columns, as its JSON object in ``active_category``.
_QUESTION_COLUMNS = [field.attname for field in CategoryAttribute._meta.concrete_fields]


# What the lookup is compiled with, once; each call puts its own code in its place.
_CODE = "\x00mapa:category-code\x00"


def _active_category_queryset(code: str) -> QuerySet[Category]:
    questions = (
        CategoryAttribute.objects.filter(category=OuterRef("pk"))
        .order_by()
        .values("category")
        .annotate(
            rows=JSONBAgg(
                JSONObject(**{column: F(column) for column in _QUESTION_COLUMNS}),
                order_by=["order", "code"],  # Meta.ordering, within one category
            )
        )
        .values("rows")
    )
    return (
        Category.objects.filter(code=code, active=True)
        .annotate(question_rows=Subquery(questions))
        .order_by("order", "code")[:1]  # as .first() would (Meta.ordering); codes are unique
    )


@functools.cache
def _active_category_statement() -> tuple[str, tuple[Any, ...], int]:
    """The lookup's SQL, compiled by the ORM once per process (per database alias is not
    needed: one database holds the catalogue). Compiling it on every call (a JSON object
    of each question's columns) took ~2 ms, eight times what PostgreSQL takes to answer;
    every report filed pays for this lookup."""
    sql, params = _active_category_queryset(_CODE).query.sql_with_params()
    return sql, tuple(params), list(params).index(_CODE)


def active_category(code: str) -> Category | None:
    """The active category ``code`` with its questions, in one query (None: no such one).

    ``category.attributes.all()`` then asks the database nothing: the questions come in
    the same row, as a JSON array built by PostgreSQL, and fill the prefetch cache
    exactly as ``prefetch_related("attributes")`` would with a second query. Filing a
    report checks the category and its answers with this one query.
    """
    sql, params, at = _active_category_statement()
    values = list(params)
    values[at] = code
    category = next(iter(Category.objects.raw(sql, values)), None)
    if category is None:
        return None
    rows = category.question_rows or []  # type: ignore[attr-defined]
    if isinstance(rows, str):  # a raw query's jsonb arrives as text (Django's loader)
        rows = json.loads(rows)
    attributes = [
        CategoryAttribute.from_db(
            category._state.db, _QUESTION_COLUMNS, [row[c] for c in _QUESTION_COLUMNS]
        )
        for row in rows
    ]
    cached = category.attributes.all()  # lazy: filled here, as prefetch_related fills it
    cached._result_cache = attributes
    cached._prefetch_done = True  # type: ignore[attr-defined]
    category._prefetched_objects_cache = {"attributes": cached}  # type: ignore[attr-defined]
    return category
