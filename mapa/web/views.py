"""The resident's pages. Views gather what a template shows; reports are filed by a service."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mapa.catalogue.selectors import active_categories
from mapa.districts.selectors import district_choices, served_extent
from mapa.limits.throttling import mark_refused, refusal_message
from mapa.moderation.selectors import client_address
from mapa.reports.models import Channel, Report
from mapa.reports.photos import PhotoBusy, PhotoError
from mapa.reports.refusals import REPORT_REFUSALS, refusal_errors
from mapa.reports.selectors import public_report
from mapa.reports.services import photo_upload, report_create
from mapa.web.extensions import reference_page
from mapa.web.forms import ReportForm, attribute_field_name
from mapa.web.once import SubmittedAlready, file_once
from mapa.web.selectors import category_legend

# The form field that shows an API field's error: the form asks for the
# place as a district (or pin) and takes one photo.
FORM_FIELD_OF = {"location": "district", "photos": "photo"}


def _map_context(form: ReportForm) -> dict[str, Any]:
    categories = list(form.categories.values())
    return {
        "form": form,
        "categories": categories,
        "category_legend": category_legend(categories),
        # Each district's point-on-surface, for the "district only" location.
        "district_points": [
            {"slug": d.slug, "name": d.name, "lon": round(d.point.x, 6), "lat": round(d.point.y, 6)}
            for d in form.districts
        ],
        "tiles": {"url": settings.MAPA_TILE_URL, "attribution": settings.MAPA_TILE_ATTRIBUTION},
        # The city's extent: the map starts there at once, and asks for its reports at once.
        "city_bounds": ",".join(f"{v:.5f}" for v in served_extent()),
        "photo_max_bytes": settings.MAPA_PHOTO_MAX_BYTES,
    }


def _form(data: Any = None, files: Any = None) -> ReportForm:
    return ReportForm(
        data, files, categories=list(active_categories()), districts=district_choices()
    )


@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    """The map of open reports with the report form beside it."""
    return render(request, "web/map.html", _map_context(_form()))


@require_POST
def report_form_submit(request: HttpRequest) -> HttpResponse:
    """The form's no-JavaScript path: file the report, then show its page."""
    form = _form(request.POST, request.FILES)
    limited = refusal_message(request, "reports")  # the API's limit, counted alike
    if limited:
        form.is_valid()
        form.add_error(None, limited[1])
        return mark_refused(render(request, "web/map.html", _map_context(form)), limited[0])
    if form.trapped:  # a bot filled the honeypot: thanked as anyone, nothing filed
        return render(request, "web/received.html", {"reference": None})
    if form.is_valid():
        try:
            token = form.cleaned_data["submission"]
            answer = file_once(request, token, lambda: _filed(request, form))
        except SubmittedAlready as exc:  # sent before, then changed: a fresh token to resend
            form.add_error(None, str(exc))
            data = request.POST.copy()
            data["submission"] = str(uuid.uuid4())
            form.data = data
        else:
            if answer is not None:
                return answer
    return render(request, "web/map.html", _map_context(form), status=400)


def _filed(request: HttpRequest, form: ReportForm) -> HttpResponse | None:
    """The answer to a filed report: its page; None if refused (the errors are on the form)."""
    report = _file(form, client_address(request))
    if report is not None and report.held:  # from a banned contact: not public yet
        return render(request, "web/received.html", {"reference": report.reference})
    if report is not None:
        return redirect(reverse("web:report", args=[report.reference]) + "?sent=1")
    return None


def _file(form: ReportForm, address: str | None) -> Report | None:
    """File the report, or put the service's refusals on the form's fields."""
    data = form.cleaned_data
    category = form.categories[data["category"]]
    photo_ids = []
    if data.get("photo"):
        try:
            photo, _gps = photo_upload(upload=data["photo"], size=data["photo"].size)
        except (PhotoError, PhotoBusy) as exc:
            form.add_error("photo", str(exc))
            return None
        photo_ids.append(photo.id)
    try:
        return report_create(
            category=category,
            location=data["point"],
            location_source=data["location_source"],
            description=data["description"],
            address=data["address"],
            attributes=form.answers(),
            channel=Channel.WEB,
            reporter_name=data["name"],
            reporter_email=data["email"],
            reporter_phone=data["phone"],
            sms_updates=bool(data.get("sms_updates")),
            photo_ids=photo_ids,
            client_address=address,
        )
    except REPORT_REFUSALS as exc:
        for field, messages in refusal_errors(exc).items():
            if field == "attributes":
                for code, answer_messages in messages.items():
                    name = attribute_field_name(category.code, code)
                    form.add_error(name if name in form.fields else None, answer_messages)
            else:
                form.add_error(FORM_FIELD_OF[field], messages)
    return None


@require_GET
def report_page(request: HttpRequest, reference: str) -> HttpResponse:
    """One report's public page: where, what, its status and public timeline. No personal data."""
    detail = public_report(reference)
    if detail is None:
        if (pending := reference_page(request, reference)) is not None:
            return pending  # e.g. a text to the SMS line, not yet a report
        raise Http404(_("No report with reference %(reference)s.") % {"reference": reference})
    return render(
        request,
        "web/report.html",
        {
            "report": detail.report,
            "props": detail.feature["properties"],
            "attributes": [
                {**answer, "display": _shown(answer["display"])} for answer in detail.attributes
            ],
            "explanation": detail.explanation,
            "history": detail.history,
            "just_sent": request.GET.get("sent") == "1",
            "tiles": {"url": settings.MAPA_TILE_URL, "attribution": settings.MAPA_TILE_ATTRIBUTION},
        },
    )


def _shown(display: Any) -> str:
    """An answer as text: several choices are listed with commas."""
    return ", ".join(map(str, display)) if isinstance(display, list) else str(display)
