"""The Idempotency-Key header (IETF draft "The Idempotency-Key HTTP Header Field") for views.

A key is 1 to 255 visible ASCII characters (a UUID is the usual choice), sent as it is
(``Idempotency-Key: 8e03978e-…``, as Stripe takes it) or as the draft's quoted string
(``Idempotency-Key: "8e03978e-…"``). Keys are scoped by who sends them: a token's or a
session's user, or ``anonymous``. An anonymous key is shared by all anonymous clients,
but its answer is replayed only to a request with the same body (the request hash covers
it), that is to a client who already knows everything the answer says: a report's
public Feature, never its contact data, which the body carries and the answer does not.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from mapa.idempotency.services import Outcome

HEADER = "Idempotency-Key"
MAX_LENGTH = 255
# Visible ASCII: "!" to "~", no spaces or control characters.
VISIBLE_ASCII = re.compile(r"[\x21-\x7e]+")
# The draft's sf-string: a quoted string, with \" and \\ escapes.
QUOTED = re.compile(r'"((?:[^"\\]|\\["\\])*)"')
REPLAYED_HEADER = "Idempotent-Replayed"


class InvalidKey(ValueError):
    """The header is there but is no usable key; the message says why."""


def key_from(request: HttpRequest) -> str | None:
    """The request's Idempotency-Key, or None without the header; ``InvalidKey`` if malformed."""
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    return parse_key(raw)


def parse_key(raw: str) -> str:
    """The key a header value (plain or quoted) carries; ``InvalidKey`` if it carries none."""
    value = raw.strip()
    quoted = QUOTED.fullmatch(value)
    if quoted:
        value = re.sub(r"\\([\"\\])", r"\1", quoted[1])
    if not value:
        raise InvalidKey(_("The Idempotency-Key header is empty; send a unique key, e.g. a UUID."))
    if len(value) > MAX_LENGTH:
        raise InvalidKey(
            _("The Idempotency-Key header is %(length)d characters long; at most %(limit)d.")
            % {"length": len(value), "limit": MAX_LENGTH}
        )
    if not VISIBLE_ASCII.fullmatch(value):
        raise InvalidKey(
            _(
                "The Idempotency-Key header may hold only visible ASCII characters "
                "(letters, digits, punctuation), e.g. a UUID."
            )
        )
    return value


def scope_of(user: Any) -> str:
    """Whose keys these are: ``user:<id>`` for a signed-in or token user, else ``anonymous``."""
    if user is not None and getattr(user, "is_authenticated", False):
        return f"user:{user.pk}"
    return "anonymous"


def replayable(outcome: Outcome) -> HttpResponse:
    """The stored answer as a response, marked ``Idempotent-Replayed: true`` for a retry."""
    response = HttpResponse(outcome.body, status=outcome.status, content_type=outcome.content_type)
    response[REPLAYED_HEADER] = "true" if outcome.replayed else "false"
    return response


def reused_message() -> str:
    return _(
        "This Idempotency-Key was already used for a different request; "
        "send a new key with a new request."
    )


def pending_message() -> str:
    return _(
        "A request with this Idempotency-Key is still being processed; try again in a few seconds."
    )
