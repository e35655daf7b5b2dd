"""Briefing maps: a unit's or a district's cases on one self-contained HTML page, by folium.

For a briefing on paper or in a mail: the outline of the district (for a unit, of the
districts its cases are in), the cases as pins clustered by leaflet.markercluster and
coloured by category, each with a popup (reference, category, status, address, when it
was filed, the public description, a link to its public page), a legend with counts, the
title and the generation time on the city's clock (Europe/Warsaw), in the active language.

The page works offline once saved: Leaflet, markercluster and Mapa's own script are
inlined (``briefing_assets``), folium's CDN links are dropped, and a Content Security
Policy in the page forbids loading anything else but map tiles from ``MAPA_TILE_URL``
(with that setting empty there is no tile layer; the outline and pins still tell the
story). All data comes from PostGIS as GeoJSON text (``briefing_data``); text from the
database reaches the page escaped (the legend and title, by Django's templates and
``html.escape``) or as DOM text (the popups, ``briefing_map.js``). No contact data: the
pins are the reports' public features.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from urllib.parse import urlsplit

import folium
from branca.element import Element, Figure, MacroElement
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from folium.map import FitBounds
from folium.plugins import MarkerCluster
from folium.template import Template
from folium.utilities import JsCode

from mapa.core.i18n import is_english
from mapa.exports.briefing_assets import inline_scripts, inline_styles
from mapa.exports.briefing_data import BriefingData, BriefingScope, briefing_data, briefing_scope
from mapa.reports.models import ReportStatus
from mapa.staff.roles import AnyUser

# Gdańsk's centre, where a map with nothing to show opens.
CITY_CENTRE = (54.352, 18.646)  # lat, lon
OSM_COPYRIGHT = "https://www.openstreetmap.org/copyright"
MAX_ZOOM = 19  # as OpenStreetMap's tiles


@dataclass(frozen=True)
class BriefingMap:
    html: str
    filename: str
    shown: int
    matched: int
    policy: str  # the page's Content-Security-Policy (in its <meta>, and for the header)


def osm_attribution() -> SafeString:
    """The credit the districts' boundaries (OpenStreetMap, ODbL) need, in the active language."""
    link = format_html('<a href="{}">OpenStreetMap</a>', OSM_COPYRIGHT)
    words = escape(_("© %(osm)s contributors"))  # the translation is text; the link, markup
    return mark_safe(words % {"osm": link})  # noqa: S308  (both parts escaped above)


def briefing_title(scope: BriefingScope) -> str:
    unit = scope.unit.name if scope.unit else ""
    district = scope.district.name if scope.district else ""
    if unit and district:
        return _("Cases of %(unit)s in %(district)s") % {"unit": unit, "district": district}
    if unit:
        return _("Cases of %(unit)s") % {"unit": unit}
    return _("Cases in %(district)s") % {"district": district}


def _subtitle(scope: BriefingScope) -> str:
    labels = [str(status.label) for status in ReportStatus if status.value in scope.statuses]
    parts = [_("Status: %(statuses)s") % {"statuses": ", ".join(labels)}]
    if scope.categories:
        parts.append(_("Categories: %(names)s") % {"names": ", ".join(scope.categories)})
    return "; ".join(parts)


def briefing_filename(scope: BriefingScope, generated_at: datetime) -> str:
    """``mapa-briefing-<unit>-<district>-<date>.html``, ASCII only."""
    names = [scope.unit.code if scope.unit else "", scope.district.slug if scope.district else ""]
    stem = slugify("-".join(["mapa-briefing", *filter(None, names)]))
    return f"{stem}-{timezone.localtime(generated_at):%Y-%m-%d}.html"


def _tile_source() -> str:
    """Where tiles come from, as a CSP source (``{s}`` subdomains become ``*``); "" if none."""
    url = settings.MAPA_TILE_URL
    if not url:
        return ""
    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else ""


def content_security_policy(script_hashes: Sequence[str] = ()) -> str:
    """The page's own scripts only (by their hashes), its inline styles, images from data:
    URIs and the tile server, no other request.

    The page must open offline as one file, so its code is inline; naming each script by
    its hash (rather than 'unsafe-inline') means that markup which got into the page (an
    escaping bug) runs nothing: no injected script element, no inline event handler.
    Styles stay inline (the legend's colours are style attributes); they run no code."""
    images = " ".join(filter(None, ["data:", _tile_source()]))
    scripts = " ".join(f"'sha256-{digest}'" for digest in script_hashes) or "'none'"
    return (
        f"default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; "
        f"img-src {images}; base-uri 'none'; form-action 'none'"
    )


_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_POLICY_PLACEHOLDER = "mapa-content-security-policy"
_META_POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def with_script_hashes(page: str) -> str:
    """``page`` with the placeholder policy replaced by one naming each of its scripts."""
    digests = [
        base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
        for text in _SCRIPT.findall(page)
    ]
    policy = html.escape(content_security_policy(list(dict.fromkeys(digests))))
    return page.replace(_POLICY_PLACEHOLDER, policy, 1)


def page_policy(page: str) -> str:
    """The Content-Security-Policy a rendered page states in its ``<meta>``."""
    found = _META_POLICY.search(page)
    return html.unescape(found[1]) if found else content_security_policy()


def script_safe_json(text: str) -> str:
    """JSON text that can stand in a ``<script>`` as a JavaScript literal.

    In JSON ``<``, ``>`` and ``&`` occur only inside strings, where ``\\u003c``... mean
    the same characters: no ``</script>`` or ``<!--`` in the data can end the script.
    """
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


class Html(Element):
    """Finished HTML put in the page as it is.

    branca's ``Element(text)`` compiles ``text`` as a Jinja2 template, and Jinja2 runs what
    it finds: a unit's or a category's name with ``{{ ... }}`` in it (staff type them)
    would be evaluated on the server. Here the text is a value of a fixed template.
    """

    _template = Template("{{ this.text }}")

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Html"
        self.text = text


class PinsFromSql(MacroElement):
    """The pins: the FeatureCollection PostGIS built, in the page as it is (made script-safe),
    each feature a marker in its category's colour with its popup (``briefing_map.js``),
    added to the parent cluster group.

    folium's GeoJson would parse the text into Python objects and serialise it again, and
    every template level would copy it; here the page is rendered around a placeholder and
    the text goes in once, at the end (``splice``): 20,000 pins (17 MB of HTML) peak at
    about 100 MB of Python memory instead of 300.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }}_data = {{ this.placeholder }};
        var {{ this.get_name() }} = L.geoJSON({{ this.get_name() }}_data, {
            pointToLayer: MapaBriefing.pin,
            onEachFeature: MapaBriefing.bindPopup,
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, feature_collection: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "PinsFromSql"
        self.feature_collection = feature_collection
        self.placeholder = f"/*{self.get_name()}*/null"

    def splice(self, page: str, opening: str) -> str:
        """``page`` with the pins in place of the placeholder and ``opening`` as its first tag."""
        head, tail = page.split(self.placeholder, 1)
        head = head.replace("<html>", opening, 1)
        return head + script_safe_json(self.feature_collection) + tail


def _map(data: BriefingData) -> folium.Map:
    """folium's map without its CDN links, fitted to the outline and the pins."""
    fmap = folium.Map(location=CITY_CENTRE, zoom_start=12, tiles=None, control_scale=True)
    # markercluster needs the map's own maxZoom (folium gives max_zoom to tiles only).
    fmap.options["max_zoom"] = MAX_ZOOM
    fmap.default_js = []
    fmap.default_css = []
    if settings.MAPA_TILE_URL:
        folium.TileLayer(
            tiles=settings.MAPA_TILE_URL,
            attr=settings.MAPA_TILE_ATTRIBUTION,
            name=_("Map"),
            max_zoom=MAX_ZOOM,
        ).add_to(fmap)
    if data.bounds:
        minlon, minlat, maxlon, maxlat = data.bounds
        fit = FitBounds([[minlat, minlon], [maxlat, maxlon]], padding=(24, 24), max_zoom=17)
        # At once, not animated: the map is ready (to zoom, to print) as soon as it loads.
        fit.options["animate"] = False
        fmap.add_child(fit)
    return fmap


def _tiles_credit_osm() -> bool:
    """Do the tiles' credits already name OpenStreetMap (the boundaries' source too)?"""
    credits = settings.MAPA_TILE_ATTRIBUTION.lower()
    return bool(settings.MAPA_TILE_URL) and "openstreetmap" in credits


def _layers(fmap: folium.Map, data: BriefingData) -> PinsFromSql:
    """The outline, then the pins in a cluster group: GeoJSON text as PostGIS built it."""
    folium.GeoJson(
        data.outline_json,
        name=_("Outline"),
        style=JsCode("MapaBriefing.outlineStyle"),
        on_each_feature=JsCode("MapaBriefing.outlineName"),
        attribution="" if _tiles_credit_osm() else str(osm_attribution()),
    ).add_to(fmap)
    cluster = MarkerCluster(  # type: ignore[no-untyped-call]
        name=_("Cases"),
        options={"showCoverageOnHover": False, "maxClusterRadius": 50, "chunkedLoading": True},
    )
    cluster.default_js = []
    cluster.default_css = []
    cluster.add_to(fmap)
    pins = PinsFromSql(data.pins_json)
    pins.add_to(cluster)
    return pins


def _panel_context(
    scope: BriefingScope, data: BriefingData, title: str, base_url: str, generated_at: datetime
) -> dict[str, Any]:
    return {
        "title": title,
        "subtitle": _subtitle(scope),
        "generated_at": timezone.localtime(generated_at),
        "time_zone": settings.TIME_ZONE,
        "shown": data.shown,
        "matched": data.matched,
        "legend": data.legend,
        "outline_label": ", ".join(data.outline_names),
        "osm_attribution": osm_attribution(),
        "config": {
            "base": base_url,
            "labels": {
                "category": _("Category"),
                "status": _("Status"),
                "address": _("Address"),
                "created": _("Filed"),
                "open_page": _("Open the report's page"),
            },
        },
    }


def render_briefing_map(
    *, scope: BriefingScope, data: BriefingData, base_url: str, generated_at: datetime
) -> str:
    """The whole HTML page: folium's map, the inlined assets, the panel with the legend."""
    title = briefing_title(scope)
    fmap = _map(data)
    pins = _layers(fmap, data)
    figure = cast(Figure, fmap.get_root())
    figure.title = html.escape(f"{title} — {_('Mapa Porządku — Gdańsk')}")
    figure.header.add_child(
        Html(
            format_html(
                '<meta http-equiv="Content-Security-Policy" content="{}">',
                _POLICY_PLACEHOLDER,  # with the scripts' hashes once the page is whole
            )
        ),
        name="mapa_csp",
        index=1,  # after the charset
    )
    figure.header.add_child(Html(inline_styles()), name="mapa_styles")
    figure.header.add_child(Html(inline_scripts()), name="mapa_scripts")
    panel = render_to_string(
        "exports/briefing_panel.html",
        _panel_context(scope, data, title, base_url, generated_at),
    )
    figure.html.add_child(Html(panel), name="mapa_panel")
    language = "en" if is_english() else "pl"
    page = pins.splice(zoomable(figure.render()), f'<html lang="{language}">')
    # As a browser reads it: a parser turns CR LF into LF before a script is hashed.
    return with_script_hashes(page.replace("\r\n", "\n").replace("\r", "\n"))


_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>')


def zoomable(page: str) -> str:
    """``page`` with a viewport that lets the reader zoom: folium's says
    ``maximum-scale=1.0, user-scalable=no``, which stops people with low vision from
    enlarging the page (WCAG 1.4.4; axe's meta-viewport rule)."""
    return _VIEWPORT.sub(
        '<meta name="viewport" content="width=device-width, initial-scale=1">', page, count=1
    )


def briefing_map(
    *,
    user: AnyUser | None,
    params: Mapping[str, str],
    base_url: str,
    generated_at: datetime | None = None,
) -> BriefingMap:
    """The briefing map ``params`` ask for, of the cases ``user`` may see (``None``: all).

    ``base_url`` (``https://host/``) makes the popups' links to report pages absolute, so
    that they work from a saved file. Raises ``BriefingInputError`` naming a bad parameter.
    """
    scope = briefing_scope(user, params)
    data = briefing_data(scope)
    generated_at = generated_at or timezone.now()
    page = render_briefing_map(scope=scope, data=data, base_url=base_url, generated_at=generated_at)
    return BriefingMap(
        html=page,
        filename=briefing_filename(scope, generated_at),
        shown=data.shown,
        matched=data.matched,
        policy=page_policy(page),
    )
