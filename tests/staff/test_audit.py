"""The audit trail (mapa/core/audit.py, mapa/reports/audit.py): every change by anyone.

A scripted sequence of changes through the staff API (token and session), the
admin, a management command and plain SQL; the case's trail lists each, with
who or what made it and the old and new values, and the trail cannot be
rewritten.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from mapa.catalogue.models import Unit
from mapa.reports.audit import report_audit_trail
from tests.staff.conftest import USERNAMES

pytestmark = pytest.mark.django_db


def test_a_scripted_sequence_is_in_the_trail_with_who_and_old_and_new_values(
    make_report, token_client, session_client
):
    report = make_report(description="Dziura przy przystanku", reporter_email="jan@example.org")
    url = f"/api/staff/reports/{report.reference}"
    with connection.cursor() as cursor:  # a change made outside Mapa entirely
        cursor.execute("UPDATE reports_report SET address = 'Długa 1' WHERE id = %s", [report.pk])
    consultant, dispatcher = token_client("consultant"), session_client("dispatcher")
    assert (
        consultant.post(f"{url}/transition/", {"status": "accepted"}, format="json").status_code
        == 200
    )
    assert (
        dispatcher.post(
            f"{url}/transition/", {"status": "in_progress", "version": 2}, format="json"
        ).status_code
        == 200
    )
    assert (
        consultant.post(
            f"{url}/reroute/", {"unit": "gck", "reason": "Nie nasze"}, format="json"
        ).status_code
        == 200
    )

    trail = report_audit_trail(report.pk)
    assert [entry.action for entry in trail] == ["insert", "update", "update", "update", "update"]
    created, by_sql, accepted, started, rerouted = trail
    assert created.changes == {}
    assert (accepted.who, accepted.url) == (USERNAMES["consultant"], f"{url}/transition/")
    assert accepted.changes["status"] == ["new", "accepted"]
    assert accepted.changes["version"] == [1, 2]
    assert "address" not in accepted.changes
    assert (started.who, started.changes["status"]) == (
        USERNAMES["dispatcher"],
        ["accepted", "in_progress"],
    )
    gzdiz, gck = Unit.objects.get(code="gzdiz"), Unit.objects.get(code="gck")
    assert rerouted.changes["unit_id"] == [gzdiz.pk, gck.pk]
    assert rerouted.changes["routing_reason"] == ["category_default", "rerouted"]
    assert by_sql.who is None
    assert by_sql.changes == {"address": ["", "Długa 1"]}
    assert by_sql.at <= accepted.at <= started.at <= rerouted.at


def test_the_trail_is_shown_with_the_case_to_staff(make_report, token_client):
    report = make_report()
    client = token_client("consultant")
    client.post(
        f"/api/staff/reports/{report.reference}/transition/",
        {"status": "resolved", "public_note": "Załatane."},
        format="json",
    )
    audit = client.get(f"/api/staff/reports/{report.reference}/").json()["properties"]["audit"]
    assert [a["action"] for a in audit] == ["insert", "update"]
    assert audit[1]["who"] == USERNAMES["consultant"]
    assert audit[1]["changes"]["status"] == ["new", "resolved"]


def test_contact_data_is_not_copied_into_the_trail(make_report):
    report = make_report(reporter_email="tajny@example.org", reporter_phone="+48 600 700 800")
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_jsonb(a)::text FROM reports_reportaudit a")
        copied = " ".join(row[0] for row in cursor.fetchall())
    assert report.reference in copied
    assert "tajny@example.org" not in copied
    assert "600 700 800" not in copied


def test_a_command_names_itself_in_the_trail(make_report, monkeypatch):
    report = make_report()
    monkeypatch.setenv("MAPA_STAFF_PASSWORD", "correct-horse-battery")
    call_command("create_staff", "ktos", role="dispatcher", stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.metadata ->> 'command' FROM staff_staffprofileaudit a "
            "JOIN pghistory_context c ON c.id = a.pgh_context_id"
        )
        assert cursor.fetchall() == [("create_staff",)]
    assert report_audit_trail(report.pk)[0].command is None  # made by a test, not a command


def test_catalogue_changes_are_audited_too(accounts):
    unit = Unit.objects.get(code="gzdiz")
    unit.email = "drogi@gdansk.example"
    unit.save()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT email FROM catalogue_unitaudit WHERE pgh_obj_id = %s ORDER BY pgh_id",
            [unit.pk],
        )
        emails = [row[0] for row in cursor.fetchall()]
    assert emails[-1] == "drogi@gdansk.example"


def test_the_trail_cannot_be_rewritten(make_report):
    make_report()
    for statement in (
        "UPDATE reports_reportaudit SET status = 'x'",
        "DELETE FROM reports_reportaudit",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
