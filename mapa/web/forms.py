"""The report form as plain HTML: it is what a browser without JavaScript submits.

With JavaScript the same form is enhanced (pin on the map, nearby reports,
photo upload) and sent to the JSON API instead; field names match the API's.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils.translation import gettext_lazy as _

from mapa.catalogue.models import AttributeType, Category, CategoryAttribute
from mapa.core.geo import CoordinateError, point_from_lon_lat
from mapa.core.phones import sms_number, sms_offered
from mapa.districts.selectors import DistrictChoice, district_choices
from mapa.reports.models import DESCRIPTION_MAX_LENGTH, LocationSource
from mapa.reports.serializers import HONEYPOT, phone_validator

ATTRIBUTE_PREFIX = "attr"


def attribute_field_name(category_code: str, attribute_code: str) -> str:
    """Each category's questions get their own names, so all can sit in one form."""
    return f"{ATTRIBUTE_PREFIX}__{category_code}__{attribute_code}"


def _attribute_field(question: CategoryAttribute) -> forms.Field:
    """A form field for one Open311 attribute; whether it is required is checked on send."""
    common: dict[str, Any] = {"label": question.label, "required": False}
    choices = question.choices()
    if question.datatype == AttributeType.SINGLE:
        return forms.ChoiceField(choices=[("", _("Choose…")), *choices], **common)
    if question.datatype == AttributeType.MULTI:
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if question.datatype == AttributeType.NUMBER:
        return forms.FloatField(**common)
    if question.datatype == AttributeType.DATETIME:
        return forms.CharField(
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), **common
        )
    if question.datatype == AttributeType.TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, **common)
    return forms.CharField(max_length=200, **common)


class ReportForm(forms.Form):
    category = forms.ChoiceField(label=_("What is the problem?"), widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("Describe the problem"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What is wrong, and since when. Do not write personal data here: "
            "the description is public."
        ),
    )
    # Text, parsed by mapa.core.geo as the API parses coordinates (Django's
    # FloatField would take what float() takes: "1_8.6", "nan", other scripts' digits).
    lon = forms.CharField(required=False, widget=forms.HiddenInput)
    lat = forms.CharField(required=False, widget=forms.HiddenInput)
    # A one-time token per render of the form (mapa/web/once.py): a resend files nothing.
    submission = forms.CharField(
        required=False, widget=forms.HiddenInput, initial=lambda: str(uuid.uuid4())
    )
    location_source = forms.ChoiceField(
        choices=LocationSource.choices, required=False, widget=forms.HiddenInput
    )
    district = forms.ChoiceField(
        label=_("District"),
        required=False,
        help_text=_("Without the map: choose the district and say where in it below."),
    )
    address = forms.CharField(
        label=_("Where exactly?"),
        max_length=200,
        required=False,
        help_text=_(
            "An address, a crossing or a landmark, e.g. “by the bus stop on Grunwaldzka 100”."
        ),
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False, validators=[phone_validator]
    )
    sms_updates = forms.BooleanField(
        label=_("Send me updates by SMS"),
        required=False,
        help_text=_("To the mobile number above: the confirmation, news and the resolution."),
    )

    def __init__(
        self, *args: Any, categories: list[Category], districts: list[DistrictChoice], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.categories = {c.code: c for c in categories}
        self.districts = districts
        category_field = self.fields["category"]
        district_field = self.fields["district"]
        assert isinstance(category_field, forms.ChoiceField)
        assert isinstance(district_field, forms.ChoiceField)
        category_field.choices = [(c.code, c.name) for c in categories]
        district_field.choices = [
            ("", _("Choose a district…")),
            *((d.slug, d.name) for d in districts),
        ]
        self.attribute_groups: list[tuple[Category, list[str]]] = []
        for category in categories:
            names = []
            for question in category.attributes.all():
                name = attribute_field_name(category.code, question.code)
                self.fields[name] = _attribute_field(question)
                if question.required:  # required only when its category is chosen
                    self.fields[name].widget.attrs["data-question-required"] = "true"
                names.append(name)
            if names:
                self.attribute_groups.append((category, names))
        self.fields["photo"].help_text = _(
            "A JPEG, PNG or WebP picture, up to %(size)d MB. We remove its hidden data "
            "(EXIF, including the GPS position) before storing it."
        ) % {"size": settings.MAPA_PHOTO_MAX_BYTES // 1_000_000}
        for name, field in self.fields.items():
            if not isinstance(field.widget, forms.HiddenInput | forms.RadioSelect):
                field.widget.attrs.setdefault("aria-describedby", self._described_by(name))
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        # The honeypot (mapa.reports.serializers.HONEYPOT): out of the tab order and never
        # autofilled; the template puts it off-screen, hidden from screen readers.
        self.fields[HONEYPOT] = forms.CharField(
            label=_("Leave this field empty"),
            required=False,
            strip=False,
            max_length=200,
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        if not sms_offered():
            del self.fields["sms_updates"]  # no SMS is sent: not offered

    def _described_by(self, name: str) -> str:
        """Every field points at its error slot (always present, filled on error) and help."""
        ids = [f"id_{name}-error"]
        if self.fields[name].help_text:
            ids.insert(0, f"id_{name}-help")
        return " ".join(ids)

    @property
    def trapped(self) -> bool:
        """Did a bot fill the honeypot? (Then nothing is filed.)"""
        return bool(self.is_bound and self.data.get(HONEYPOT))

    @property
    def honeypot(self) -> forms.BoundField:
        return self[HONEYPOT]

    def grouped_attributes(self) -> list[tuple[Category, list[forms.BoundField]]]:
        return [
            (category, [self[name] for name in names]) for category, names in self.attribute_groups
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["point"], data["location_source"] = self._location(data)
        if data.get("sms_updates") and "phone" in data:
            try:
                data["phone"] = sms_number(data["phone"])
            except ValueError as exc:
                self.add_error("phone", str(exc))
        return data

    def _location(self, data: dict[str, Any]) -> tuple[Point | None, str]:
        lon, lat = data.get("lon"), data.get("lat")
        if lon and lat:
            try:
                point = point_from_lon_lat(lon, lat)
            except CoordinateError as exc:
                self.add_error("district", str(exc))
                return None, ""
            return point, data.get("location_source") or LocationSource.PIN
        slug = data.get("district")
        chosen = district_choices(slug) if slug else []
        if chosen:
            return chosen[0].point, LocationSource.DISTRICT
        self.add_error(
            "district",
            _(
                "Choose the place: put a pin on the map, search for an "
                "address, or choose the district."
            ),
        )
        return None, ""

    def answers(self) -> dict[str, Any]:
        """The chosen category's answers keyed by attribute code, as the API takes them."""
        code = self.cleaned_data.get("category", "")
        prefix = attribute_field_name(code, "")
        return {
            name.removeprefix(prefix): value
            for name, value in self.cleaned_data.items()
            if name.startswith(prefix) and value not in (None, "", [])
        }
