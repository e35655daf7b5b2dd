"""Every endpoint of the OpenAPI description, fuzzed by schemathesis (issue 12).

The description is Mapa's own (drf-spectacular, ``/api/schema/``), read once
per session. Schemathesis builds requests from it, valid and invalid, sends
them in process to Django's WSGI handler, against the real PostGIS test
database, and checks each answer against the same description: never a 5xx,
a documented status code, the documented content type, a body that conforms
to the documented schema, documented headers. The staff operations run
anonymously and with the token of each staff role, the public ones anonymously
and with a consultant's token (every role in ``make fuzz``); half the references
drawn are replaced by a real report's, so that the staff's changes are made.
What a request changes is rolled back with the test.

``make test`` runs 3 examples per operation and identity (schema examples, then
generated ones) from the fuzz suite's fixed seed (``profiles``); ``make fuzz``
runs ten times as many from a new, printed seed, and schemathesis's coverage
phase (boundaries of every parameter, wrong methods) besides.

Found so far: Open311's XML answers and a wrong api_key's 403 on a single
request were undocumented (mapa/open311/docs.py).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mapa.reports.models import Report
from mapa.staff.services import api_token_for, staff_account_save
from tests.fuzz import profiles

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

# Who sends the requests: no one, and one account of each staff role.
ANONYMOUS = "anonymous"
ROLES = ("consultant", "unit_staff", "dispatcher", "admin", "integration")
PASSWORD = "correct-horse-battery"
# Path parameters that name a report: half the examples name a real one, so that the
# staff's changes (transition, notes, duplicate...) are made, not only refused as 404s.
REFERENCES = ("reference", "service_request_id")


def _document() -> dict[str, Any]:
    # The description as /api/schema/ serves it (the same generator, the same public
    # view of it), built without a request so that collecting needs no database.
    document: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    return document


def _load(document: dict[str, Any]) -> Any:
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = WSGIHandler()  # in process, on the test's database connection
    loaded.config.seed = profiles.SEED
    if profiles.PROFILE == "ci":
        # The coverage phase (each boundary of each parameter, each wrong method) sends
        # hundreds of requests per operation: make fuzz only.
        loaded.config.phases.update(phases=["examples", "fuzzing"])
    return loaded


DOCUMENT = _document()
# Operations that take credentials (the staff API, exports): every identity, always.
SECURED = {
    (method.upper(), path)
    for path, operations in DOCUMENT["paths"].items()
    for method, operation in operations.items()
    if operation.get("security")
}
schema = _load(DOCUMENT)
secured = schema.include(
    func=lambda ctx: (ctx.operation.method.upper(), ctx.operation.path) in SECURED
)
public = schema.exclude(
    func=lambda ctx: (ctx.operation.method.upper(), ctx.operation.path) in SECURED
)
# Public operations, which read no credentials but must not trip on a valid token:
# anonymously and as one role in make test, as every role in make fuzz.
PUBLIC_IDENTITIES = (ANONYMOUS, "consultant") if profiles.PROFILE == "ci" else (ANONYMOUS, *ROLES)
EXAMPLES = profiles.examples(0.1)  # 3 per operation and identity in make test, 30 in make fuzz


@pytest.fixture
def in_the_test_transaction() -> Iterator[None]:
    """Django closes a connection it finds inside a transaction when a request starts;
    the test's transaction must outlive every request, as Django's test client ensures."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db: None) -> dict[str, str]:
    """An API token for one account of each staff role."""
    units = {"unit_staff": ["gzdiz"]}
    return {
        role: api_token_for(
            username=staff_account_save(
                username=f"fuzz-{role}".replace("_", "-"),
                role=role,
                units=units.get(role, ()),
                password=None,
            ).username
        )
        for role in ROLES
    }


@pytest.fixture
def report(make_report: Callable[..., Report]) -> Report:
    """A new pothole at Neptune's Fountain, routed to GZDiZ (the unit staff's unit)."""
    report: Report = make_report(
        description="Dziura przy fontannie",
        reporter_name="Anna Nowak",
        reporter_email="anna.nowak@example.com",
    )
    return report


@pytest.fixture(autouse=True)
def clean_throttle() -> Iterator[None]:
    """The rate limits count in the cache; each test starts afresh."""
    cache.clear()
    yield
    cache.clear()


def _call(case: Any, identity: str, tokens: dict[str, str], report: Report) -> None:
    parameters = case.path_parameters or {}
    for name in REFERENCES:
        # Half of the references drawn (by their checksum, so a seed replays the same).
        if name in parameters and zlib.crc32(repr(parameters[name]).encode()) % 2:
            parameters[name] = report.reference
    # Werkzeug's test client does not decompress: ask for the bodies as they are.
    headers = {"Accept-Encoding": "identity"}
    if identity != ANONYMOUS:
        headers["Authorization"] = f"Token {tokens[identity]}"
    case.call_and_validate(headers=headers, checks=CHECKS)


@pytest.mark.django_db
@pytest.mark.parametrize("identity", list(PUBLIC_IDENTITIES))
@public.parametrize()
@settings(max_examples=EXAMPLES)
def test_every_public_operation_answers_as_documented(
    case: Any,
    identity: str,
    tokens: dict[str, str],
    report: Report,
    in_the_test_transaction: None,
) -> None:
    _call(case, identity, tokens, report)


@pytest.mark.django_db
@pytest.mark.parametrize("identity", [ANONYMOUS, *ROLES])
@secured.parametrize()
@settings(max_examples=EXAMPLES)
def test_every_staff_operation_answers_as_documented_to_everyone(
    case: Any,
    identity: str,
    tokens: dict[str, str],
    report: Report,
    in_the_test_transaction: None,
) -> None:
    _call(case, identity, tokens, report)
