"""Read-side queries for places: search by words, as one SQL statement."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import (
    Case,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Lower

from mapa.places.geojson import features_for_ids
from mapa.places.models import Place
from mapa.places.text import PART_SEPARATOR, query_words

SEARCH_DEFAULT_LIMIT = 10
SEARCH_MAX_LIMIT = 50
EMPTY_COLLECTION = '{"type": "FeatureCollection", "features": []}'


def places_matching(query: str, *, limit: int = SEARCH_DEFAULT_LIMIT) -> QuerySet[Place]:
    """Places whose search text has every word of ``query`` at the start of a word.

    Ranking: the street (with its number) or the name *begins* with the whole
    query, then the query appears as a phrase, then the words appear anywhere.
    Ties go by street, house number (numerically) and label. Identical labels
    in one district (one building listed twice by the source) are shown once.
    """
    words = query_words(query)
    if not words:
        return Place.objects.none()
    phrase = " ".join(words)
    matches = Q()
    for word in words:  # normalized words are [a-z0-9]+: nothing for LIKE to escape
        matches &= Q(search__contains=f" {word}")
    shown_earlier = Place.objects.filter(
        label=OuterRef("label"), district=OuterRef("district"), pk__lt=OuterRef("pk")
    )
    return (
        Place.objects.filter(matches)
        .exclude(Exists(shown_earlier))
        .select_related("district")
        .annotate(
            rank=Case(
                When(Q(search__contains=f"{PART_SEPARATOR} {phrase}"), then=Value(0)),
                When(Q(search__contains=f" {phrase}"), then=Value(1)),
                default=Value(2),
            ),
            number=Cast(_leading_digits("housenumber"), output_field=IntegerField()),
        )
        .order_by("rank", Lower("street"), "number", Lower("label"), "pk")[:limit]
    )


def _leading_digits(field: str) -> Func:
    # substring(text, pattern) is PostgreSQL's regular-expression substring:
    # "27/29" → "27", "9A" → "9", "" → NULL. Capped so the integer cannot overflow.
    return Func(F(field), Value("^[0-9]{1,9}"), function="substring")


def places_geojson(query: str, *, limit: int = SEARCH_DEFAULT_LIMIT) -> str:
    """The places matching ``query`` as a GeoJSON FeatureCollection, best first."""
    ids = places_matching(query, limit=limit).values("id")
    try:
        sql, params = ids.query.sql_with_params()
    except EmptyResultSet:  # a query with no words: Django knows the answer without asking
        return EMPTY_COLLECTION
    return features_for_ids(sql, list(params))
