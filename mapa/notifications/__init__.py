"""Notifications: messages to residents and units, sent by a background worker (outbox).

Residents get their confirmation; units get new and re-routed cases at their contact
e-mail and, if they registered a webhook URL, signed JSON events (``webhooks.py``;
channel ``webhook``, recipient the URL). All of them go through the same outbox.

Guarantees (README, "Notifications"):

- **Nothing lost.** A ``Notification`` row (the outbox) is written in the same transaction
  as the change that causes it; the send task is enqueued when that transaction commits
  (``on_commit``). A rolled-back change leaves no row and sends nothing. If the process
  dies between the commit and the enqueue, the worker's sweep (``outbox.sweep``) finds the
  row still pending and enqueues it again.
- **Never twice.** Each row has an idempotency key over (report, event, recipient,
  channel), unique in the database: the same event queued twice is one row, one e-mail.
  Sending claims the row (``SELECT ... FOR UPDATE SKIP LOCKED``), marks it ``sending`` and
  commits *before* talking to the SMTP server, then marks it ``sent``. A row found still
  ``sending`` after ``MAPA_NOTIFY_STALE_MINUTES`` (a worker died mid-send: the server may
  or may not have accepted it) is never sent again automatically: it becomes ``uncertain``
  for an admin to check and, if they judge so, retry. This is at-most-once delivery with
  every doubt visible. The e-mail's Message-ID is derived from the key, so that a receiving
  system can also recognise a copy.
- **Failures retry, then show.** A failed send is retried with exponential backoff
  (``MAPA_NOTIFY_BACKOFF_SECONDS`` x 2^n) up to ``MAPA_NOTIFY_MAX_ATTEMPTS`` tries, then
  marked ``failed``, listed in the admin with a *retry* action.

The recipient's address is personal data: it is shown only in the admin's detail page,
never logged (the error stored for a failed send is redacted) and never sent elsewhere.

Reports sit below this app: it learns of new reports, re-routes and public updates from
``mapa.reports.signals`` (connected in ``NotificationsConfig.ready``), never the other
way round.
"""
