"""What must hold of every answer, whatever a client sent (issue 7).

* never a 5xx: an exception escaping a view reaches the test with the request
  named in its notes, so Hypothesis prints the traceback of the server error;
* under ``/api/`` the answer is strict JSON (no NaN) of a JSON media type, and
  an error is ``{"field": [messages]}`` (nested for members) or ``{"detail": "..."}``,
  naming only fields the endpoint takes;
* a refused request saved nothing: the rows are counted before and after.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast
from urllib.parse import urlsplit

from django.db import transaction
from django.http import HttpResponse
from django.http.request import RawPostDataException
from django.test import Client

from mapa.reports.models import Report, ReportEvent, ReportPhoto

API_MEDIA_TYPES = ("application/json", "application/geo+json")
# Error keys any endpoint may use besides its own inputs.
GENERAL_ERRORS = frozenset({"detail", "non_field_errors"})


@contextmanager
def each_example() -> Iterator[None]:
    """Run one example in a savepoint that is rolled back, so examples cannot see each
    other's rows (the test's own transaction spans all of them)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def row_counts() -> tuple[int, int, int]:
    """(reports, report events, photos): what a refused request must leave as it was."""
    return Report.objects.count(), ReportEvent.objects.count(), ReportPhoto.objects.count()


# One client for every request: a new one loads the middleware again (whitenoise alone
# takes a tenth of a second); its cookies are dropped before each request instead.
_client = Client()


def send(
    method: str, path: str, body: bytes = b"", content_type: str = "", **headers: Any
) -> HttpResponse:
    """One request as raw bytes, with no cookies from earlier ones.

    A server error is an exception here, raised from where it happened, with the
    request added as a note.
    """
    _client.cookies.clear()
    headers = {name: as_wsgi_header(value) for name, value in headers.items()}
    try:
        response = _client.generic(method, path, data=body, content_type=content_type, **headers)
    except Exception as exc:
        exc.add_note(f"Server error (500) answering {method} {path[:300]!r} ({content_type!r})")
        raise
    return cast(HttpResponse, response)


def as_wsgi_header(value: str) -> str:
    """A header as a WSGI server hands it to Django: the bytes sent, read as Latin-1.

    The client sends text as UTF-8 (a lone surrogate as its three bytes); no server can
    put a lone surrogate itself into ``request.META``.
    """
    return value.encode("utf-8", "surrogatepass").decode("latin-1")


def strict_json(content: bytes) -> Any:
    """Parse JSON as RFC 8259 has it: NaN and Infinity are not JSON."""

    def refuse(token: str) -> None:
        raise AssertionError(f"{token} in a JSON answer: {content[:500]!r}")

    return json.loads(content.decode("utf-8"), parse_constant=refuse)


def shown(response: HttpResponse) -> str:
    return f"{response.status_code} {response.get('Content-Type')}: {response.content[:2000]!r}"


def api_answer(response: HttpResponse, inputs: frozenset[str]) -> Any:
    """The JSON of an answer under /api/, checked: no 5xx, a JSON media type, and for an
    error the documented shape, naming only ``inputs`` (or ``detail``/``non_field_errors``)."""
    assert response.status_code < 500, shown(response)
    media_type = response.get("Content-Type", "").split(";")[0].strip()
    assert media_type in API_MEDIA_TYPES, shown(response)
    payload = strict_json(response.content)
    if response.status_code >= 400:
        check_error(payload, inputs | names_sent(response))
    return payload


def names_sent(response: HttpResponse) -> frozenset[str]:
    """The query parameters and JSON members the client sent: an error may name what was
    sent even when the endpoint does not read it (text no database can store, in any
    parameter or member, is refused before any view looks at it)."""
    request = getattr(response, "wsgi_request", None)
    if request is None:
        return frozenset()
    names = set(request.GET)
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError, RawPostDataException):
        body = None  # not JSON (a multipart body is read as a stream, once)
    if isinstance(body, dict):
        names |= set(body)
    return frozenset(names)


def check_error(payload: Any, inputs: frozenset[str]) -> None:
    assert isinstance(payload, dict), f"an error is an object: {payload!r}"
    assert payload, "an error names something"
    if "detail" in payload:
        assert set(payload) == {"detail"}, f"detail comes alone: {payload!r}"
        assert isinstance(payload["detail"], str), payload
        assert payload["detail"].strip(), payload
        return
    unknown = set(payload) - inputs - GENERAL_ERRORS
    assert not unknown, f"the error names {sorted(unknown)!r}, not inputs: {payload!r}"
    for messages in payload.values():
        check_messages(messages)


def check_messages(messages: Any) -> None:
    """``["message", ...]``, or ``{"member": messages}`` for a member or list item."""
    if isinstance(messages, dict):
        assert messages, "an empty object of errors"
        for nested in messages.values():
            check_messages(nested)
        return
    assert isinstance(messages, list), f"not a list of messages: {messages!r}"
    assert messages, "an empty list of messages"
    assert all(isinstance(m, str) and m.strip() for m in messages), messages


def check_feature_collection(payload: Any) -> list[dict[str, Any]]:
    assert isinstance(payload, dict), payload
    assert payload.get("type") == "FeatureCollection", payload
    features = payload.get("features")
    assert isinstance(features, list), payload
    assert all(f.get("type") == "Feature" for f in features), payload
    return features


def page_answer(response: HttpResponse, language: str | None = None) -> str:
    """A page's answer, checked: no 5xx, HTML unless it is a redirect, and, given a
    ``language``, a page in that language (error pages too)."""
    assert response.status_code < 500, shown(response)
    if response.status_code in (301, 302, 303, 204):
        return ""
    assert response.get("Content-Type", "").startswith("text/html"), shown(response)
    html = response.content.decode("utf-8")
    if language is not None:
        assert f'<html lang="{language}"' in html, f"not a page in {language}: {shown(response)}"
    return html


def is_local_redirect(location: str) -> bool:
    """Same-origin: a path, or an absolute URL to the test server itself."""
    parts = urlsplit(location)
    return (
        parts.scheme in ("", "http", "https")
        and parts.netloc in ("", "testserver")
        and not location.startswith(("//", "/\\", "\\"))
    )
