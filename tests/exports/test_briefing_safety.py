"""A briefing map runs no template in its text, and lets its reader zoom.

folium renders through Jinja2, and branca's ``Element(text)`` compiles ``text`` as a
template: the panel (title, legend) holds staff-typed names, so ``{{ ... }}`` in a unit's or
a category's name ran on the server (found by tests/browser/test_xss.py). Now the text is
a value. folium's viewport also forbade zooming (``user-scalable=no``), which axe rates as a
barrier for readers with low vision.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from mapa.catalogue.models import Category, Unit
from mapa.exports.briefing import briefing_map
from mapa.reports.models import Report
from tests.conftest import NEPTUNE_FOUNTAIN
from tests.exports.briefing_page import BriefingPage

pytestmark = pytest.mark.django_db

BASE = "https://mapa.gdansk.example/"
TEMPLATES = (
    "{{ 7*7 }}",
    "{% for i in range(3) %}loop{% endfor %}",
    "{{ this.__class__.__init__.__globals__ }}",
)


def test_names_with_template_syntax_are_shown_as_written(make_report: Callable[..., Report]):
    Unit.objects.filter(code="gzdiz").update(name="GZDiZ " + " ".join(TEMPLATES))
    Category.objects.filter(code="pothole").update(
        name_pl="Dziura " + TEMPLATES[1], name_en="Pothole " + TEMPLATES[1]
    )
    make_report("pothole", *NEPTUNE_FOUNTAIN)
    result = briefing_map(user=None, params={"unit": "gzdiz"}, base_url=BASE)
    page = BriefingPage(result.html)
    for text in TEMPLATES:
        assert text in page.title
    assert "49" not in page.title
    assert "looplooploop" not in result.html
    assert "__globals__" in page.title  # as text, never evaluated
    assert page.legend["pothole"][0] == "Dziura " + TEMPLATES[1]


def test_the_reader_may_zoom(make_report: Callable[..., Report]):
    make_report("pothole", *NEPTUNE_FOUNTAIN)
    html = briefing_map(user=None, params={"unit": "gzdiz"}, base_url=BASE).html
    viewports = re.findall(r'<meta name="viewport"[^>]*>', html)
    assert viewports == ['<meta name="viewport" content="width=device-width, initial-scale=1">']
    assert "user-scalable" not in html
    assert "maximum-scale" not in html
