"""The fallback store of ``CACHES["limits"]`` when there is no Redis (``mapa.limits.cache``)."""

from __future__ import annotations

from django.db import models


class Entry(models.Model):
    """One cache entry: a counter or a small JSON value, until ``expires`` (Unix seconds)."""

    key = models.TextField(primary_key=True)
    value = models.JSONField()
    expires = models.FloatField(null=True, db_index=True)  # None: never

    class Meta:
        db_table = "limits_entry"
        verbose_name = "rate-limit counter"

    def __str__(self) -> str:
        return self.key
