"""``{% follow_form report %}``: the "me too" form on a report's public page.

The page (mapa/web) sits below this app, so it includes the form through this tag
rather than importing anything: the tag renders ``alerts/_follow_form.html``.
"""

from __future__ import annotations

from typing import Any

from django import template

from mapa.alerts.forms import FollowForm
from mapa.alerts.selectors import follower_count
from mapa.reports.models import Report

register = template.Library()


@register.inclusion_tag("alerts/_follow_form.html", takes_context=True)
def follow_form(context: Any, report: Report) -> dict[str, Any]:
    return {
        "report": report,
        "form": FollowForm(auto_id="follow-%s"),
        "followers": follower_count(report),
        "csrf_token": context.get("csrf_token"),
    }
