"""The one page of the notifications app: a signed one-click unsubscribe, no log-in."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from mapa.notifications.unsubscribe import read_token


# No CSRF token: RFC 8058's one-click POST comes from a mail client, and the signed token
# in the URL is what authorises it (a forged cross-site POST would need that token).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: what would stop, and one button. POST (the button, or a mail client's
    ``List-Unsubscribe=One-Click``): stop it, idempotently."""
    found = read_token(token)
    described = found[0].describe(found[1]) if found else None
    if found is None or described is None:
        raise Http404(_("This unsubscribe link is not valid (or what it stops is gone)."))
    kind, pk = found
    done = request.method == "POST" and kind.stop(pk)
    return render(request, "notifications/unsubscribe.html", {"what": described, "done": done})
