"""What the reports app tells the layers above it, without importing them.

``report_created`` is sent by ``report_create`` inside its transaction, after the
report and its routing are stored, with ``report=`` the new report. A receiver that
writes to the database writes in the same transaction: if the report is rolled back,
so is whatever the receiver stored (mapa/notifications/ queues the resident's
confirmation this way). Receivers connect in their AppConfig.ready.
"""

from __future__ import annotations

from django.dispatch import Signal

report_created = Signal()
