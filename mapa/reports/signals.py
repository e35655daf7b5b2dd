"""What the reports app tells the layers above it, without importing them.

``report_created`` is sent by ``report_create`` inside its transaction, after the
report and its routing are stored, with ``report=`` the new report and ``sms_updates=``
(whether the reporter asked for updates by SMS; mapa/sms keeps that choice). A receiver that
writes to the database writes in the same transaction: if the report is rolled back,
so is whatever the receiver stored (mapa/notifications/ queues the resident's
confirmation this way). Receivers connect in their AppConfig.ready.

The casework services (mapa/reports/casework.py) send, inside their transactions too:

- ``report_rerouted`` (``report=`` the case, now with its new unit, ``event=`` the
  ``ReportEvent``, ``previous_unit=``) when a case goes to another unit;
- ``report_updated`` (``report=``, ``event=``) on a **public** change: a status change,
  or a note with a public part. Internal-only notes send nothing.
"""

from __future__ import annotations

from django.dispatch import Signal

report_created = Signal()
report_rerouted = Signal()
report_updated = Signal()
