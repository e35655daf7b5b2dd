"""What apps above the staff workspace add to it, without the staff app importing them.

- ``register_case_panel(panel)``: ``panel(request, report)`` returns HTML (or "") shown on
  every case page beside the contact card; mapa/sms shows the SMS conversation and the
  reply form there.
- ``register_nav_link(url_name, label, visible)``: a link in the staff navigation for the
  users ``visible(user)`` accepts; mapa/sms adds the SMS queue for GCK.

Registered from the app's ``AppConfig.ready``, like the outbox's registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe

from mapa.reports.models import Report

CasePanel = Callable[[HttpRequest, Report], str]


@dataclass(frozen=True)
class NavLink:
    url_name: str
    label: str | Promise
    visible: Callable[[Any], bool]


_panels: dict[str, CasePanel] = {}
_links: dict[str, NavLink] = {}


def register_case_panel(name: str, panel: CasePanel) -> None:
    _panels[name] = panel


def register_nav_link(url_name: str, label: str | Promise, visible: Callable[[Any], bool]) -> None:
    _links[url_name] = NavLink(url_name, label, visible)


def case_panels(request: HttpRequest, report: Report) -> list[SafeString]:
    """The panels' HTML for one case page (each panel escapes what it renders)."""
    rendered = (panel(request, report) for panel in _panels.values())
    return [mark_safe(html) for html in rendered if html]  # noqa: S308 (rendered templates)


def nav_links(user: Any) -> list[NavLink]:
    return [link for link in _links.values() if link.visible(user)]
