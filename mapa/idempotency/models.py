"""A client's Idempotency-Key and the answer its first request got.

Generic: any POST that must not be done twice stores here, in the same transaction as
its write, the answer it sent (status, content type, body exactly as sent), so that a
retry with the same key is answered with it and does nothing. ``scope`` is the client's
identity (``mapa.idempotency.http.scope_of``): one client's keys never meet another's.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now


class IdempotencyKey(models.Model):
    scope = models.CharField(max_length=100)
    key = models.CharField(max_length=255)
    # SHA-256 (hex) of the request as parsed: its identity, method, path and body.
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    # The body as sent, byte for byte (text, not jsonb, which would reorder its keys).
    body = models.TextField()
    created_at = models.DateTimeField(db_default=Now(), db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_per_scope")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
