"""The no-JavaScript report form is sent once: a double click or a resend files one report.

Each render of the form carries a fresh one-time token (the hidden ``submission`` field,
``ReportForm.SUBMISSION``). It is the form's Idempotency-Key (``mapa.idempotency``): the
first submit with it files the report and stores its answer (the redirect to the
report's page, or the page shown instead) in the same transaction; a second submit of
the same form gets that answer and files nothing. A refused form keeps its token (nothing
was stored under it); a token sent with other content (the form changed after it was sent) is
refused with a fresh token, so that sending again files the new report.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from mapa.idempotency.http import InvalidKey, parse_key, scope_of
from mapa.idempotency.services import KeyPending, KeyReused, Outcome, request_hash, respond_once

# What identifies the request beside the form's fields: not the CSRF token, which a
# resend may carry anew.
IGNORED = {"csrfmiddlewaretoken"}


def _fields(request: HttpRequest) -> dict[str, Any]:
    fields: dict[str, Any] = {
        name: request.POST.getlist(name) for name in request.POST if name not in IGNORED
    }
    fields["files"] = {
        name: [(upload.name, upload.size) for upload in request.FILES.getlist(name)]
        for name in request.FILES
    }
    return fields


def _outcome(response: HttpResponse) -> Outcome:
    if 300 <= response.status_code < 400:
        return Outcome(response.status_code, "", response["Location"])
    return Outcome(response.status_code, response["Content-Type"], response.content.decode())


def _response(outcome: Outcome) -> HttpResponse:
    if 300 <= outcome.status < 400:
        return HttpResponse(status=outcome.status, headers={"Location": outcome.body})
    return HttpResponse(outcome.body, status=outcome.status, content_type=outcome.content_type)


def file_once(
    request: HttpRequest, token: str, file: Callable[[], HttpResponse | None]
) -> HttpResponse | None:
    """``file()``'s answer, once per ``token``; None when it refused the form.

    A second submit with ``token`` and the same fields gets the first answer. With other
    fields it raises ``SubmittedAlready``. Without a usable token the form is filed as it is.
    """
    try:
        key = parse_key(token)
    except InvalidKey:
        return file()
    scope = f"web:{scope_of(getattr(request, 'user', None))}"

    def perform() -> Outcome | None:
        response = file()  # None: refused, its errors on the form; its photo is kept
        return None if response is None else _outcome(response)

    fingerprint = request_hash(scope=scope, method="POST", path=request.path, data=_fields(request))
    try:
        outcome = respond_once(scope=scope, key=key, fingerprint=fingerprint, perform=perform)
    except (KeyReused, KeyPending):
        raise SubmittedAlready from None
    return None if outcome is None else _response(outcome)


class SubmittedAlready(Exception):
    """This form was sent already, with other content."""

    def __str__(self) -> str:
        return _(
            "This form was sent already, before you changed it. "
            "Check it and send it again to file this report."
        )
