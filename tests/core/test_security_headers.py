"""The Content-Security-Policy's exceptions are as narrow as stated (mapa/settings.py):
the 500 page's one style by its hash, the admin's blob: worker, nothing else; and the
Permissions-Policy on every answer, the API's too."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if " " in part.strip())


@pytest.mark.urls("tests.production.urls")
def test_the_500_page_allows_its_own_style_by_hash_and_nothing_else():
    answer = Client(raise_request_exception=False).get("/test-errors/crash/")
    assert answer.status_code == 500
    [style] = re.findall(rb"<style>(.*?)</style>", answer.content, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(style).digest()).decode()
    policy = directives(answer["Content-Security-Policy"])
    assert policy["style-src"] == f"'self' 'sha256-{digest}'"
    assert policy["script-src"] == "'self'"
    assert b"style=" not in answer.content


def test_only_the_admin_may_start_a_blob_worker(admin_client):
    admin = directives(admin_client.get("/admin/")["Content-Security-Policy"])
    assert admin["worker-src"] == "'self' blob:"
    assert admin["script-src"] == "'self'"
    assert "worker-src" not in directives(Client().get("/")["Content-Security-Policy"])


def test_every_answer_has_the_permissions_policy():
    for path in ("/", "/api/categories/", "/open311/v2/services.json"):
        policy = Client().get(path)["Permissions-Policy"]
        assert policy.startswith("geolocation=(self), camera=(), microphone=()"), path
