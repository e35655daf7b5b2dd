"""Reading a briefing map's HTML in tests: its pins, outline, legend and every outside reference."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from typing import Any

# Each GeoJSON layer's data stands on one line: folium's GeoJson adds it with a call,
# geo_json_<id>_add({...}); the pins from SQL are a variable, pins_from_sql_<id>_data = {...};
_LAYER_DATA = re.compile(
    r"^\s*(?:geo_json_[0-9a-f]+_add\((\{.*\})\)|var pins_from_sql_[0-9a-f]+_data = (\{.*\}));$",
    re.MULTILINE,
)
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")
_IMPORT = re.compile(r"@import\s+(?:url\()?\s*['\"]?([^'\"); ]+)")


@dataclass
class BriefingPage(HTMLParser):
    """Everything a test asks of one page, read with Python's HTML parser."""

    text: str
    lang: str = ""
    title: str = ""
    references: list[str] = field(default_factory=list)  # src/href that load something
    links: list[str] = field(default_factory=list)  # <a href>: followed only if clicked
    scripts: list[str] = field(default_factory=list)  # inline scripts' text
    styles: list[str] = field(default_factory=list)
    generated: str = ""
    legend: dict[str, tuple[str, int]] = field(default_factory=dict)  # code: (name, count)
    csp: str = ""
    config: dict[str, Any] = field(default_factory=dict)
    panel_text: str = ""
    _open: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    _legend_code: str = ""
    _legend_parts: list[str] = field(default_factory=list)
    _in_panel: int = 0

    def __post_init__(self) -> None:
        HTMLParser.__init__(self, convert_charrefs=True)
        self.feed(self.text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self._open.append((tag, attributes))
        if tag == "html":
            self.lang = attributes.get("lang", "")
        if tag in ("script", "img", "iframe", "embed", "source", "video", "audio") and (
            "src" in attributes
        ):
            self.references.append(attributes["src"])
        if tag == "link" and "href" in attributes:
            self.references.append(attributes["href"])
        if tag == "a" and "href" in attributes:
            self.links.append(attributes["href"])
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "content-security-policy":
            self.csp = attributes.get("content", "")
        if tag == "time":
            self.generated = attributes.get("datetime", "")
        if tag == "li" and "data-category" in attributes:
            self._legend_code = attributes["data-category"]
            self._legend_parts = []
        if tag == "section" and "mapa-briefing-panel" in attributes.get("class", ""):
            self._in_panel += 1
        if "style" in attributes:
            self.styles.append(attributes["style"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self._legend_code:
            name, count = self._legend_parts[0], self._legend_parts[-1]
            self.legend[self._legend_code] = (name, int(count))
            self._legend_code = ""
        if tag == "section" and self._in_panel:
            self._in_panel -= 1
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        tag, attributes = self._open[-1] if self._open else ("", {})
        if tag == "script":
            if attributes.get("id") == "mapa-briefing-config":
                self.config = json.loads(data)
            else:
                self.scripts.append(data)
        elif tag == "style":
            self.styles.append(data)
        elif tag == "title":
            self.title += data
        if self._legend_code and data.strip():
            self._legend_parts.append(data.strip())
        if self._in_panel:
            self.panel_text += data

    # ------------------------------------------------------------ what the tests ask

    def layers(self) -> list[dict[str, Any]]:
        """Every GeoJSON FeatureCollection folium embedded, in the page's order."""
        return [
            json.loads(call or variable)
            for script in self.scripts
            for call, variable in _LAYER_DATA.findall(script)
        ]

    def pins(self) -> list[dict[str, Any]]:
        return [
            feature
            for layer in self.layers()
            for feature in layer["features"]
            if feature["geometry"]["type"] == "Point"
        ]

    def pin_references(self) -> set[str]:
        return {feature["properties"]["reference"] for feature in self.pins()}

    def outline(self) -> list[dict[str, Any]]:
        return [
            feature
            for layer in self.layers()
            for feature in layer["features"]
            if feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        ]

    def generated_at(self) -> datetime:
        return datetime.fromisoformat(self.generated)

    def outside_references(self) -> list[str]:
        """Every resource the page would load from a network: src, link href, CSS url()."""
        found = list(self.references)
        for style in self.styles:
            found += _CSS_URL.findall(style) + _IMPORT.findall(style)
        return [ref for ref in found if re.match(r"\s*(https?:)?//", ref, re.IGNORECASE)]
