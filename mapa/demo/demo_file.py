"""The demonstration reports' file (``fixtures/gdansk/demo_reports.json``), read and checked.

The file is a JSON list of reports, each an object::

    {"place": "culture_institutions:65", "category": "street-furniture",
     "description": "…", "days_ago": 6,
     "steps": [{"status": "accepted", "days_later": 1, "note": ""}],
     "attributes": {}, "channel": "web"}

``steps``, ``attributes`` and ``channel`` may be left out; a step's ``note``
(public) too. A ``duplicate`` step names the report it repeats by
``duplicate_of``, the ``id`` of an earlier entry. Everything the file alone can
show is checked here (types, statuses, channels, the workflow's order); a
mistake is a ``CommandError`` naming the entry and the field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.core.management.base import CommandError

from mapa.reports.models import Channel, ReportStatus
from mapa.reports.workflow import TransitionError, check_transition

T = TypeVar("T")


@dataclass(frozen=True)
class Step:
    status: str
    days_later: float  # after the report was filed
    note: str = ""  # public
    duplicate_of: str = ""  # for a duplicate: the ``id`` of an earlier entry


@dataclass(frozen=True)
class Demo:
    place: str  # "layer:id" in the addresses file, or "district:<slug>"
    category: str  # a category code
    description: str
    days_ago: float
    steps: tuple[Step, ...] = ()
    attributes: dict[str, Any] = field(default_factory=dict)
    channel: str = Channel.WEB
    id: str = ""  # only for an entry a later duplicate names


DEMO_FIELDS = (
    "id",
    "place",
    "category",
    "description",
    "days_ago",
    "steps",
    "attributes",
    "channel",
)
STEP_FIELDS = ("status", "days_later", "note", "duplicate_of")
JSON_KINDS: dict[type, str] = {str: "text", list: "a list", dict: "an object"}


def read_demos(path: Path) -> tuple[Demo, ...]:
    """The demonstration reports in ``path``, checked as far as the file alone allows."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CommandError(f"cannot read the demo reports {path}: {exc.strerror}") from exc
    except ValueError as exc:  # not JSON, or not UTF-8
        raise CommandError(f"{path.name} is not valid JSON: {exc}") from exc
    if not isinstance(data, list) or not data:
        raise CommandError(f"{path.name} must be a list of demo reports (JSON objects)")
    demos: list[Demo] = []
    for number, entry in enumerate(data, 1):
        demos.append(_demo(entry, path, number, {d.id for d in demos if d.id}))
    return tuple(demos)


def _demo(entry: Any, path: Path, number: int, earlier_ids: set[str]) -> Demo:
    where = entry_label(path, number, entry.get("place") if isinstance(entry, dict) else None)
    if not isinstance(entry, dict):
        raise CommandError(f"{where}: must be a JSON object")
    _known_fields(entry, DEMO_FIELDS, where)
    demo_id = _get(entry, "id", str, where, default="")
    if demo_id in earlier_ids:
        raise field_error(where, "id", f"{demo_id!r} is already the id of an earlier entry")
    return Demo(
        place=_text(entry, "place", where),
        category=_text(entry, "category", where),
        description=_text(entry, "description", where),
        days_ago=_days(entry, "days_ago", where),
        steps=_steps(_get(entry, "steps", list, where, default=[]), where, earlier_ids),
        attributes=_get(entry, "attributes", dict, where, default={}),
        channel=_choice(entry, "channel", Channel.values, where, default=Channel.WEB),
        id=demo_id,
    )


def _steps(raw_steps: list[Any], where: str, earlier_ids: set[str]) -> tuple[Step, ...]:
    """The steps, in an order the workflow allows and dated in order."""
    steps: list[Step] = []
    status, days_later = ReportStatus.NEW.value, 0.0
    for number, raw in enumerate(raw_steps, 1):
        at = f"{where}, step {number}"
        step = _step(raw, at, earlier_ids)
        try:
            check_transition(
                current=status,
                target=step.status,
                public_note=step.note,
                has_duplicate_of=bool(step.duplicate_of),
            )
        except TransitionError as exc:
            raise field_error(at, "status", str(exc)) from exc
        if step.days_later < days_later:
            raise field_error(at, "days_later", "must not be earlier than the step before")
        steps.append(step)
        status, days_later = step.status, step.days_later
    return tuple(steps)


def _step(raw: Any, where: str, earlier_ids: set[str]) -> Step:
    if not isinstance(raw, dict):
        raise CommandError(f"{where}: must be a JSON object")
    _known_fields(raw, STEP_FIELDS, where)
    status = _choice(raw, "status", ReportStatus.values, where)
    duplicate_of = _get(raw, "duplicate_of", str, where, default="")
    if status == ReportStatus.DUPLICATE and duplicate_of not in earlier_ids:
        raise field_error(where, "duplicate_of", "a duplicate needs the id of an earlier entry")
    if status != ReportStatus.DUPLICATE and duplicate_of:
        raise field_error(where, "duplicate_of", "only a duplicate names another report")
    return Step(
        status=status,
        days_later=_days(raw, "days_later", where),
        note=_get(raw, "note", str, where, default=""),
        duplicate_of=duplicate_of,
    )


def entry_label(path: Path, number: int, place: object) -> str:
    """Where a problem is, for messages: ``demo_reports.json, entry 3 (district:osowa)``."""
    return f"{path.name}, entry {number}" + (f" ({place})" if isinstance(place, str) else "")


def field_error(where: str, key: str, problem: str) -> CommandError:
    return CommandError(f'{where}, "{key}": {problem}')


def _known_fields(raw: dict[str, Any], known: tuple[str, ...], where: str) -> None:
    unknown = sorted(raw.keys() - set(known))
    if unknown:
        raise field_error(where, unknown[0], f"unknown field (the fields are: {', '.join(known)})")


def _get(raw: dict[str, Any], key: str, kind: type[T], where: str, default: T | None = None) -> T:
    if key not in raw:
        if default is None:
            raise field_error(where, key, "missing")
        return default
    value = raw[key]
    if not isinstance(value, kind):
        raise field_error(where, key, f"must be {JSON_KINDS[kind]}, not {json.dumps(value)[:60]}")
    return value


def _text(raw: dict[str, Any], key: str, where: str) -> str:
    value = _get(raw, key, str, where)
    if not value.strip():
        raise field_error(where, key, "must not be empty")
    return value


def _days(raw: dict[str, Any], key: str, where: str) -> float:
    if key not in raw:
        raise field_error(where, key, "missing")
    value = raw[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        problem = f"must be a number of days, 0 or more, not {json.dumps(value)}"
        raise field_error(where, key, problem)
    return float(value)


def _choice(
    raw: dict[str, Any], key: str, choices: list[str], where: str, default: str | None = None
) -> str:
    value = _get(raw, key, str, where, default=default)
    if value not in choices:
        raise field_error(where, key, f"unknown {key} {value!r} (one of: {', '.join(choices)})")
    return value
