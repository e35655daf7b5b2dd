from django.db import models


class Heartbeat(models.Model):
    """When a background process last said it was alive: one row per kind of process.

    ``beat_at`` is the database's clock (``now()``), and readiness measures the age on the
    same clock, so the web servers' and the worker's clocks never have to agree.
    """

    name = models.CharField(max_length=40, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
