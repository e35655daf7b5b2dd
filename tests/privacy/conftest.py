"""The real SMTP server (aiosmtpd) of the notifications tests, for the reporter's e-mails."""

from tests.notifications.conftest import smtp  # noqa: F401  (fixture)
