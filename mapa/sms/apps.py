from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmsConfig(AppConfig):
    """SMS to and from residents, sent through the notifications outbox."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "mapa.sms"
    verbose_name = _("SMS")

    def ready(self) -> None:
        from mapa.notifications.models import Channel
        from mapa.notifications.registry import register_sender
        from mapa.reports.signals import report_created, report_updated
        from mapa.sms import receivers
        from mapa.sms.sending import send_sms

        register_sender(Channel.SMS, send_sms)
        report_created.connect(receivers.report_created, dispatch_uid="sms-report-created")
        report_updated.connect(receivers.report_updated, dispatch_uid="sms-report-updated")
