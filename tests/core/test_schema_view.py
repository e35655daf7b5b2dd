"""/api/schema/ is generated once per process and language (mapa/core/schema_view.py)."""

from __future__ import annotations

import json

import pytest
import yaml
from drf_spectacular.generators import SchemaGenerator

from mapa.core.schema_view import SchemaView


@pytest.fixture
def generations(monkeypatch) -> list[str]:
    """Each generation of the description, counted (and made, as it always is)."""
    made: list[str] = []
    generate = SchemaGenerator.get_schema

    def counted(self, *args, **kwargs):
        made.append("generated")
        return generate(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counted)
    SchemaView.forget()
    yield made
    SchemaView.forget()


def test_the_schema_is_generated_once_for_many_requests(client, generations):
    first = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="pl")
    for _ in range(3):
        again = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="pl")
        assert again.status_code == 200
        assert again.content == first.content
    as_yaml = client.get("/api/schema/", HTTP_ACCEPT_LANGUAGE="pl")
    assert yaml.safe_load(as_yaml.content) == json.loads(first.content)
    assert generations == ["generated"]


def test_each_language_has_its_own_schema(client, generations):
    polish = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="pl").json()
    english = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert client.get("/api/schema/?format=json&lang=en").json() == english
    assert client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="pl").json() == polish
    assert len(generations) == 2


def test_the_cached_schema_is_the_generated_one(client, generations):
    served = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="en").json()
    client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="en")
    fresh = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert served == fresh
    assert served["paths"]["/api/reports/"]["post"]["responses"]["201"]


def test_a_changed_setting_forgets_the_schema(client, generations, settings):
    client.get("/api/schema/?format=json")
    settings.SPECTACULAR_SETTINGS = {**settings.SPECTACULAR_SETTINGS, "TITLE": "Another"}
    client.get("/api/schema/?format=json")
    assert len(generations) == 2
