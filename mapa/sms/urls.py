"""The SMS line's URLs (included at the site's root by mapa/urls.py)."""

from django.urls import path

from mapa.sms import apis, pages

app_name = "sms"

urlpatterns = [
    path("api/sms/inbound/", apis.InboundSmsApi.as_view(), name="api-inbound"),
    path(
        "api/staff/sms/cases/<reference:reference>/complete/",
        apis.CompleteCaseApi.as_view(),
        name="api-complete",
    ),
    path(
        "api/staff/sms/cases/<reference:reference>/dismiss/",
        apis.DismissCaseApi.as_view(),
        name="api-dismiss",
    ),
    path("staff/sms/", pages.queue_page, name="queue"),
    path("staff/sms/<reference:reference>/", pages.case_page, name="case"),
    path("staff/sms/<reference:reference>/complete/", pages.complete_page, name="complete"),
    path("staff/sms/<reference:reference>/dismiss/", pages.dismiss_page, name="dismiss"),
    path("staff/sms/<reference:reference>/reply/", pages.reply_page, name="reply"),
]
