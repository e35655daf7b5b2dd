from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmsConfig(AppConfig):
    """SMS to and from residents, sent through the notifications outbox."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "mapa.sms"
    verbose_name = _("SMS")

    def ready(self) -> None:
        from mapa.notifications.models import Channel
        from mapa.notifications.registry import register_event, register_sender
        from mapa.reports.signals import report_created, report_updated
        from mapa.sms import pages, receivers
        from mapa.sms.access import handles_sms_cases
        from mapa.sms.messages import CASE_RECEIVED, REPLY
        from mapa.sms.sending import send_sms
        from mapa.staff.extensions import register_case_panel, register_nav_link
        from mapa.web.extensions import register_reference_page

        register_sender(Channel.SMS, send_sms)
        register_event(CASE_RECEIVED, _("SMS: case received"))
        register_event(REPLY, _("SMS: staff reply"))
        register_case_panel("sms", pages.case_panel)
        register_nav_link("sms:queue", _("SMS cases"), handles_sms_cases)
        register_reference_page("sms", pages.received_page)
        report_created.connect(receivers.report_created, dispatch_uid="sms-report-created")
        report_updated.connect(receivers.report_updated, dispatch_uid="sms-report-updated")
