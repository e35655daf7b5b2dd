"""The subscribe page's form and the report page's "me too" form: plain HTML forms that
work without JavaScript (the script only adds a pin on a small map and address search)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mapa.alerts.models import Frequency
from mapa.alerts.selectors import MAX_RADIUS_M
from mapa.alerts.services import Area
from mapa.catalogue.models import Category
from mapa.core.geo import CoordinateError, point_from_lon_lat
from mapa.core.i18n import localized
from mapa.districts.models import District

RADIUS_CHOICES = [(250, "250 m"), (500, "500 m"), (1000, "1 km"), (2000, "2 km"), (5000, "5 km")]
assert max(r for r, _label in RADIUS_CHOICES) <= MAX_RADIUS_M


class CategoryChoices(forms.ModelMultipleChoiceField[Category]):
    def label_from_instance(self, obj: Category) -> str:
        return localized(obj.name_pl, obj.name_en)


class FollowForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail"),
        max_length=254,
        error_messages={
            "required": _("Give your e-mail address."),
            "invalid": _("This is not an e-mail address."),
        },
    )


class AreaAlertForm(forms.Form):
    email = FollowForm.base_fields["email"]
    kinds = forms.MultipleChoiceField(
        label=_("Tell me about"),
        choices=[("new", _("new reports")), ("resolved", _("resolved reports"))],
        widget=forms.CheckboxSelectMultiple,
        initial=["new"],
        error_messages={"required": _("Choose new reports, resolved reports, or both.")},
    )
    area = forms.ChoiceField(
        label=_("Where"),
        choices=[("districts", _("in these districts")), ("circle", _("around a point"))],
        widget=forms.RadioSelect,
        initial="districts",
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts"),
        queryset=District.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="slug",
    )
    # Text, parsed as the API parses coordinates (mapa.core.geo); the map fills them in.
    lon = forms.CharField(label=_("Longitude"), required=False, max_length=30)
    lat = forms.CharField(label=_("Latitude"), required=False, max_length=30)
    radius = forms.TypedChoiceField(
        label=_("Radius"), choices=RADIUS_CHOICES, coerce=int, initial=500, required=False
    )
    categories = CategoryChoices(
        label=_("Only these categories"),
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="code",
        help_text=_("None chosen: all categories."),
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        initial=Frequency.IMMEDIATE,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        districts = self.fields["districts"]
        assert isinstance(districts, forms.ModelMultipleChoiceField)
        districts.queryset = District.objects.filter(city__served=True).order_by("name")
        categories = self.fields["categories"]
        assert isinstance(categories, forms.ModelMultipleChoiceField)
        categories.queryset = Category.objects.filter(active=True).order_by("code")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("area") == "circle":
            try:
                data["point"] = point_from_lon_lat(data.get("lon"), data.get("lat"))
            except CoordinateError as error:
                self.add_error("lat", str(error))
            if not data.get("radius"):
                self.add_error("radius", _("Choose a radius."))
        elif data.get("area") == "districts" and not data.get("districts"):
            self.add_error("districts", _("Choose at least one district, or a point on the map."))
        return data

    def area_value(self) -> Area:
        data = self.cleaned_data
        if data["area"] == "circle":
            return Area(point=data["point"], radius_m=data["radius"])
        return Area(districts=tuple(data["districts"]))
