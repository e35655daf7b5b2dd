"""A report's audit trail: every change to the case, who made it, old and new values.

The trail is written by database triggers (``mapa.core.audit``); this reads
one case's trail in one statement, pairing each snapshot with the one before
it so that each entry lists only what changed, as ``{field: [old, new]}``.
Staff only: the public never sees it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mapa.core.sql import fetch_all

# The trail's own bookkeeping, left out of the values compared.
_BOOKKEEPING = "ARRAY['pgh_id', 'pgh_created_at', 'pgh_label', 'pgh_obj_id', 'pgh_context_id']"

TRAIL_SQL = f"""
WITH snapshots AS (
    SELECT a.pgh_id, a.pgh_label, a.pgh_created_at, a.pgh_context_id,
           to_jsonb(a) - {_BOOKKEEPING} AS data
    FROM reports_reportaudit a
    WHERE a.pgh_obj_id = %(report_id)s
),
paired AS (
    SELECT s.*, lag(s.data) OVER (ORDER BY s.pgh_id) AS before FROM snapshots s
)
SELECT p.pgh_id AS id,
       p.pgh_label AS action,
       p.pgh_created_at AS at,
       u.username AS who,
       c.metadata ->> 'url' AS url,
       c.metadata ->> 'command' AS command,
       CASE WHEN p.before IS NULL THEN '{{}}'::jsonb ELSE (
           SELECT COALESCE(jsonb_object_agg(k, jsonb_build_array(p.before -> k, p.data -> k)),
                           '{{}}'::jsonb)
           FROM jsonb_object_keys(p.data) AS k
           WHERE p.before -> k IS DISTINCT FROM p.data -> k
       ) END AS changes
FROM paired p
LEFT JOIN pghistory_context c ON c.id = p.pgh_context_id
LEFT JOIN auth_user u ON u.id::text = c.metadata ->> 'user'
ORDER BY p.pgh_id
"""


@dataclass(frozen=True)
class AuditEntry:
    id: int
    action: str  # insert, update, delete
    at: datetime
    who: str | None  # the account, when a person did it
    url: str | None  # the page or API call it came through
    command: str | None  # or the management command
    changes: dict[str, list[Any]]  # field → [old, new]

    def as_data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "action": self.action,
            "at": self.at.isoformat(),
            "who": self.who,
            "via": self.url or self.command,
            "changes": self.changes,
        }


def report_audit_trail(report_id: int) -> list[AuditEntry]:
    """Every recorded change to the report ``report_id``, oldest first."""
    return [
        AuditEntry(
            id=row["id"],
            action=row["action"],
            at=row["at"],
            who=row["who"],
            url=row["url"],
            command=row["command"],
            changes=row["changes"]
            if isinstance(row["changes"], dict)
            else json.loads(row["changes"]),
        )
        for row in fetch_all(TRAIL_SQL, {"report_id": report_id})
    ]
