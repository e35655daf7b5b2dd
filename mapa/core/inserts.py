"""The INSERT statement Django would run to save a new model instance, as text.

For writes that join several inserts into one statement (data-modifying ``WITH``
clauses), where ``save()`` would cost a round trip each. Django's own compiler builds
it, so the columns, the values' conversion (geometries, JSON, arrays) and the
``auto_now`` times are exactly those of ``save()``; a value may be an SQL expression
(``RawSQL``) naming another clause of the statement, e.g. the id a previous one returns.
No model signal is sent: the caller says so if anything should listen.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Field, Model
from django.db.models.sql import InsertQuery


def insert_sql(instance: Model, *, returning: list[str]) -> tuple[str, list[Any]]:
    """``INSERT INTO <table> (…) VALUES (…) RETURNING <returning>`` for ``instance``.

    Every concrete field but the automatic primary key is written. ``returning`` names
    columns (attnames) to return. The instance's ``auto_now``/``auto_now_add`` fields are
    set, as ``save()`` sets them.
    """
    meta = instance._meta
    fields = [
        field
        for field in meta.local_concrete_fields
        if not (field.primary_key and field.get_internal_type() in {"AutoField", "BigAutoField"})
        and not field.generated
    ]
    query = InsertQuery(type(instance))
    query.insert_values(fields, [instance])
    compiler = query.get_compiler(connection=connection)
    returned: list[Field[Any, Any]] = [meta.get_field(name) for name in returning]  # type: ignore[misc]
    compiler.returning_fields = returned
    ((sql, params),) = compiler.as_sql()
    return sql, list(params)
