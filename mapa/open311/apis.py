"""Open311 GeoReport v2 views: parse, call one selector or service, render JSON or XML.

Every answer is in the format the URL's suffix names (``.json`` or ``.xml``);
every error, whatever raised it, is the standard's error array in that format
(``Open311Api.handle_exception``), and a suffix that names no format is a 404.

Credentials are the ``api_key`` parameter only: a staff API token
(``manage.py api_token``). There is no session authentication here, so a
browser's session can neither file a report nor widen what GET shows, and CSRF
does not apply (DRF exempts views without session authentication).

* Reading needs no key: it shows every report's public fields, as the resident
  map does. With a key, GET answers as its account: unit staff see only their
  units' cases (``mapa.staff.access.visible_reports``).
* Filing needs the key of an account that may file reports
  (``may(user, Action.INTAKE)``): a consultant, an administrator, or an
  integration account made for one application.
* ``jurisdiction_id`` is optional; when given it must be the city's slug
  (``gdansk``) or this server's host name, else a 404.
* Texts (service names, status notes, the routing explanation) follow the
  ``locale`` parameter (``pl``, ``en``, ``en_GB``...) or else ``Accept-Language``;
  Polish by default.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.authtoken.models import Token
from rest_framework.parsers import FormParser
from rest_framework.request import Request
from rest_framework.views import APIView

from mapa.catalogue.routing import explain
from mapa.core.api import LimitedMultiPartParser
from mapa.core.text import unstorable_reason
from mapa.districts.models import City
from mapa.idempotency import http as idempotency
from mapa.idempotency.services import KeyPending, KeyReused, Outcome, request_hash, respond_once
from mapa.open311 import docs
from mapa.open311.errors import Open311Error, flatten
from mapa.open311.formats import Format, error_response, render
from mapa.open311.inputs import new_request, request_query
from mapa.open311.selectors import (
    discovery,
    service_definition,
    service_requests,
    services,
)
from mapa.open311.services import request_file
from mapa.reports.models import PUBLIC_REPORTS, Report
from mapa.staff.access import Action, may, visible_reports
from mapa.staff.roles import role_of

LANGUAGES = ("pl", "en")


class Open311Api(APIView):
    """What every Open311 view shares: format, language, jurisdiction, api_key, errors."""

    authentication_classes: list[Any] = []  # the api_key parameter only
    permission_classes: list[Any] = []
    parser_classes = [FormParser, LimitedMultiPartParser]
    # No OPTIONS (DRF would answer its metadata): a 405 in the standard's shape, with
    # ``Allow`` listing what each view does answer.
    http_method_names = [m for m in APIView.http_method_names if m != "options"]

    fmt: Format = Format.JSON

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.fmt = Format.of(kwargs.get("fmt")) or Format.JSON
        with translation.override(_language(request)):
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if "locale" in _form(request) and "locale" not in request.query_params:
            # A POST's fields may name it too; dispatch's override restores the language.
            translation.activate(_language_of(_form(request).get("locale")))
        if Format.of(kwargs.get("fmt")) is None:
            raise Open311Error(
                404,
                _("Unknown format “%(format)s”: use .json or .xml.")
                % {"format": kwargs.get("fmt")},
            )
        jurisdiction = request.query_params.get("jurisdiction_id") or _form(request).get(
            "jurisdiction_id"
        )
        if jurisdiction and not _known_jurisdiction(request, str(jurisdiction)):
            raise Open311Error(
                404,
                _("jurisdiction_id: there is no jurisdiction “%(id)s” here; use %(known)s.")
                % {"id": jurisdiction, "known": ", ".join(_jurisdictions(request))},
            )

    def handle_exception(self, exc: Exception) -> HttpResponse:  # type: ignore[override]
        if isinstance(exc, Open311Error):
            return error_response(self.fmt, exc.status, exc.descriptions)
        if isinstance(exc, RequestDataTooBig):
            return error_response(self.fmt, 413, [_("The request body is too large.")])
        if isinstance(exc, TooManyFieldsSent):
            return error_response(self.fmt, 400, [_("The request has too many fields.")])
        if isinstance(exc, exceptions.MethodNotAllowed):
            response = error_response(self.fmt, 405, [str(exc.detail)])
            response["Allow"] = ", ".join(self.allowed_methods)
            return response
        if isinstance(exc, Http404):
            return error_response(self.fmt, 404, [str(exc) or _("Not found.")])
        if isinstance(exc, exceptions.ValidationError):
            return error_response(self.fmt, 400, flatten(exc.detail))
        if isinstance(exc, exceptions.APIException):
            response = error_response(self.fmt, exc.status_code, flatten(exc.detail))
            if getattr(exc, "wait", None):  # a 429 (or 503) says when to come back
                response["Retry-After"] = f"{exc.wait:d}"  # type: ignore[attr-defined]
            return response
        raise exc

    def params(self, request: Request) -> MultiValueDict[str, Any]:
        """The query string's parameters, overridden by the body's form fields."""
        merged: MultiValueDict[str, Any] = request.query_params.copy()
        for name, values in _form(request).lists():
            merged.setlist(name, values)
        return merged

    def account(self, request: Request, *, required: bool) -> User | None:
        """The api_key's account (403 for an unknown key); None without a key if not required."""
        key = self.params(request).get("api_key", "")
        if not key:
            if required:
                raise Open311Error(403, _("api_key: an api_key is required to do this."))
            return None
        key = str(key)
        token = (
            None
            if unstorable_reason(key)
            else Token.objects.select_related("user").filter(key=key[:40]).first()
        )
        if token is None or not token.user.is_active or role_of(token.user) is None:
            raise Open311Error(403, _("api_key: this api_key is not valid."))
        user: User = token.user
        return user


def _form(request: Request) -> MultiValueDict[str, Any]:
    if request.method != "POST":
        return MultiValueDict()
    data = request.data
    return data if isinstance(data, MultiValueDict) else MultiValueDict()


def _language(request: HttpRequest) -> str:
    """``locale`` (pl, en, en_GB...) if it names a language Mapa speaks, else the active one."""
    return _language_of(request.GET.get("locale", ""))


def _language_of(locale: Any) -> str:
    base = str(locale or "").replace("_", "-").lower().split("-")[0]
    if base in LANGUAGES:
        return base
    return translation.get_language() or "pl"


def _jurisdictions(request: Request) -> list[str]:
    served = list(City.objects.filter(served=True).values_list("slug", flat=True))
    return [*served, request.get_host().split(":")[0]]


def _known_jurisdiction(request: Request, jurisdiction: str) -> bool:
    return jurisdiction.strip().lower() in {j.lower() for j in _jurisdictions(request)}


class DiscoveryApi(Open311Api):
    @extend_schema(**docs.DISCOVERY)
    def get(self, request: Request, fmt: str) -> HttpResponse:
        endpoint = request.build_absolute_uri(request.path.rsplit("/", 1)[0] + "/")
        return render(self.fmt, "discovery", discovery(endpoint_url=endpoint))


class ServiceListApi(Open311Api):
    @extend_schema(**docs.SERVICES)
    def get(self, request: Request, fmt: str) -> HttpResponse:
        return render(self.fmt, "services", services())


class ServiceDefinitionApi(Open311Api):
    @extend_schema(**docs.SERVICE_DEFINITION)
    def get(self, request: Request, service_code: str, fmt: str) -> HttpResponse:
        definition = service_definition(service_code)
        if definition is None:
            raise Open311Error(
                404, _("service_code: there is no service %(code)s.") % {"code": service_code}
            )
        return render(self.fmt, "service_definition", definition)


class RequestListApi(Open311Api):
    throttle_scope = "open311"  # POST only, per client address (mapa/limits/throttling.py)

    def counted_account(self, request: Request) -> User | None:
        """Whose count a POST is: a valid api_key's account (under the staff rate)."""
        try:
            return self.account(request, required=False)
        except Open311Error:
            return None  # a wrong key counts against its address: no guessing keys

    @extend_schema(**docs.REQUESTS_GET)
    def get(self, request: Request, fmt: str) -> HttpResponse:
        query = request_query(self.params(request))
        records = service_requests(
            _readable(self.account(request, required=False)), query, site_url=_site(request)
        )
        return render(self.fmt, "service_requests", records)

    @extend_schema(**docs.REQUESTS_POST)
    def post(self, request: Request, fmt: str) -> HttpResponse:
        account = self.account(request, required=True)
        assert account is not None
        if not may(account, Action.INTAKE):
            raise Open311Error(403, _("api_key: this account may not file service requests."))
        try:
            key = idempotency.key_from(request)
        except idempotency.InvalidKey as exc:
            raise Open311Error.bad_field(idempotency.HEADER, str(exc)) from None
        params = self.params(request)
        if key is None:
            return self.file(params, account)
        scope = idempotency.scope_of(account)

        def perform() -> Outcome:
            response = self.file(params, account)
            body = response.content.decode()
            return Outcome(response.status_code, response["Content-Type"], body)

        # The request as sent, but for the api_key (the account is the scope).
        sent = {name: params.getlist(name) for name in params if name != "api_key"}
        fingerprint = request_hash(scope=scope, method="POST", path=request.path, data=sent)
        try:
            outcome = respond_once(scope=scope, key=key, fingerprint=fingerprint, perform=perform)
        except KeyReused:
            message = f"{idempotency.HEADER}: {idempotency.reused_message()}"
            raise Open311Error(409, message) from None
        except KeyPending:
            raise Open311Error(409, idempotency.pending_message()) from None
        return idempotency.replayable(outcome)

    def file(self, params: MultiValueDict[str, Any], account: User) -> HttpResponse:
        """File the service request ``params`` describe; its answer (refusals raise)."""
        report = request_file(request=new_request(params), account=account)
        created = {
            "service_request_id": report.reference,
            "service_notice": explain(report.routing),
            "account_id": None,
        }
        return render(self.fmt, "service_requests", [created])


class RequestDetailApi(Open311Api):
    @extend_schema(**docs.REQUEST_GET)
    def get(self, request: Request, service_request_id: str, fmt: str) -> HttpResponse:
        reports = _readable(self.account(request, required=False))
        records = service_requests(
            reports, request_query(_only(service_request_id)), site_url=_site(request)
        )
        if not records:
            raise Open311Error(
                404,
                _("service_request_id: there is no service request %(id)s.")
                % {"id": service_request_id},
            )
        return render(self.fmt, "service_requests", records)


def _only(reference: str) -> MultiValueDict[str, Any]:
    return MultiValueDict({"service_request_id": [reference]})


def _readable(account: User | None) -> Any:
    """Every report without a key (their public fields are public); the account's cases with one."""
    if account is None:
        return Report.objects.filter(PUBLIC_REPORTS)  # none held for review
    return visible_reports(account)


def _site(request: Request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


class NotFoundApi(Open311Api):
    """Any other path under /open311/v2/, with any method: the standard's 404."""

    schema = None  # not an operation: left out of the OpenAPI description

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.fmt = Format.guess(request.path)
        raise Open311Error(
            404, _("There is no Open311 resource at %(path)s.") % {"path": request.path}
        )
