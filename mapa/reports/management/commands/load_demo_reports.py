"""manage.py load_demo_reports: about forty believable reports for a demonstration map.

Each report is filed at a real seeded place (manage.py load_places) through
``report_create`` and moved along through ``report_change_status``, so routing,
references and history are the real thing; then its dates are set back so the
map shows reports of different ages. Descriptions are in Polish; there is no
personal data. Demo reports are marked by ``reporter_name`` (never public), and
the command does nothing when any such report exists.

Not for production: it refuses to run with MAPA_ENV=production.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from mapa.catalogue.models import Category
from mapa.places.models import Place
from mapa.places.seeding import ADDRESSES_DATASET, DISTRICTS_DATASET
from mapa.reports.models import Channel, LocationSource, Report, ReportEvent
from mapa.reports.services import report_change_status, report_create

DEMO_MARK = "Mapa: demo data"

ACCEPTED, IN_PROGRESS, RESOLVED = "accepted", "in_progress", "resolved"
REJECTED, DUPLICATE = "rejected", "duplicate"


@dataclass(frozen=True)
class Step:
    status: str
    days_later: float
    note: str = ""


@dataclass(frozen=True)
class Demo:
    place: str  # "layer:id" in the addresses file, or "district:<slug>"
    category: str
    description: str
    days_ago: float
    steps: tuple[Step, ...] = ()
    attributes: dict[str, Any] = field(default_factory=dict)
    channel: str = Channel.WEB


FIXED = "Naprawione. Dziękujemy za zgłoszenie."
CLEANED = "Teren uprzątnięty. Dziękujemy za zgłoszenie."

DEMOS: tuple[Demo, ...] = (
    Demo(
        "culture_institutions:1",
        "pothole",
        "Głęboka dziura w jezdni przy krawężniku, rowerzyści muszą ją omijać.",
        2.3,
    ),
    Demo(
        "culture_institutions:8",
        "overflowing-bin",
        "Kosz przy wejściu przepełniony od rana, śmieci rozwiewa wiatr.",
        0.4,
    ),
    Demo(
        "culture_institutions:65",
        "street-furniture",
        "Złamana deska w ławce przy Zielonej Bramie.",
        6,
        (Step(ACCEPTED, 1), Step(IN_PROGRESS, 3)),
    ),
    Demo(
        "culture_institutions:60",
        "graffiti-vandalism",
        "Świeże graffiti na zabytkowej kamienicy od strony ulicy.",
        12,
        (Step(ACCEPTED, 1), Step(RESOLVED, 8, CLEANED)),
    ),
    Demo(
        "culture_institutions:70",
        "street-light",
        "Latarnia przy nabrzeżu nie świeci od kilku dni, wieczorem jest tu zupełnie ciemno.",
        4,
        (Step(ACCEPTED, 0.5),),
        {"pole_number": "S-1187"},
    ),
    Demo(
        "culture_institutions:9",
        "litter-dump",
        "Worki z gruzem i stare meble zostawione przy śmietniku.",
        9,
        (Step(ACCEPTED, 1), Step(RESOLVED, 5, CLEANED)),
    ),
    Demo(
        "culture_institutions:37",
        "pavement",
        "Zapadnięte płyty chodnikowe, łatwo się potknąć.",
        20,
        (Step(ACCEPTED, 2), Step(IN_PROGRESS, 6)),
    ),
    Demo(
        "culture_institutions:72",
        "traffic-sign-signal",
        "Sygnalizacja dla pieszych świeci na zielono tylko przez kilka sekund.",
        1.2,
        attributes={"kind": "signal"},
    ),
    Demo(
        "city_hall_offices:3",
        "street-furniture",
        "Uszkodzony stojak na rowery przed wejściem, rowery się przewracają.",
        31,
        (Step(ACCEPTED, 1), Step(RESOLVED, 6, "Stojak naprawiony.")),
        channel=Channel.PHONE,
    ),
    Demo(
        "culture_institutions:4",
        "pothole",
        "Ubytki w asfalcie na prawym pasie w stronę Oliwy.",
        3,
        (Step(ACCEPTED, 1),),
    ),
    Demo(
        "culture_institutions:11",
        "street-light",
        "Migająca latarnia naprzeciwko teatru.",
        15,
        (Step(ACCEPTED, 1), Step(RESOLVED, 4, "Wymieniono oprawę.")),
        {"pole_number": ""},
    ),
    Demo(
        "city_hall_offices:1",
        "abandoned-vehicle",
        "Od miesięcy stoi tu samochód bez tablic rejestracyjnych, z przebitymi oponami.",
        18,
        (Step(ACCEPTED, 2), Step(IN_PROGRESS, 5, "Pojazd oznaczony do odholowania.")),
    ),
    Demo("culture_institutions:33", "overflowing-bin", "Przepełnione kosze na przystanku.", 0.8),
    Demo(
        "culture_institutions:40",
        "tree-greenery",
        "Złamany konar wisi nad chodnikiem.",
        5,
        (Step(ACCEPTED, 0.3), Step(RESOLVED, 1, "Konar usunięty.")),
    ),
    Demo(
        "culture_institutions:12",
        "tree-greenery",
        "Nieprzycięte krzewy zasłaniają widoczność na przejściu dla pieszych.",
        7,
    ),
    Demo(
        "culture_institutions:64",
        "graffiti-vandalism",
        "Zniszczona tablica informacyjna przy parku.",
        26,
        (
            Step(
                REJECTED,
                3,
                "Tablica stoi na terenie prywatnym; przekazaliśmy informację właścicielowi.",
            ),
        ),
    ),
    Demo(
        "culture_institutions:43",
        "litter-dump",
        "Dużo szkła i puszek przy zejściu na plażę.",
        1.6,
        channel=Channel.EMAIL,
    ),
    Demo(
        "culture_institutions:35",
        "drain-cover",
        "Brak kratki na studzience przy przejściu, niebezpieczne dla rowerów.",
        0.2,
    ),
    Demo(
        "culture_institutions:45",
        "street-furniture",
        "Zepsuta huśtawka na placu zabaw.",
        22,
        (Step(ACCEPTED, 2), Step(RESOLVED, 10, FIXED)),
    ),
    Demo(
        "culture_institutions:17",
        "stray-animal",
        "Duży pies bez opiekuna biega między blokami od rana.",
        0.3,
        attributes={"animal": "dog"},
    ),
    Demo(
        "culture_institutions:6",
        "pavement",
        "Wystająca kostka na placu przed wejściem.",
        10,
        (Step(ACCEPTED, 2),),
    ),
    Demo(
        "culture_institutions:10",
        "injured-dead-animal",
        "Martwa mewa na chodniku.",
        2,
        (Step(RESOLVED, 0.4, "Zwierzę zabrane."),),
        {"condition": "dead", "animal": "bird"},
    ),
    Demo(
        "culture_institutions:74",
        "litter-dump",
        "Porzucone opony przy parkingu.",
        14,
        (Step(ACCEPTED, 1), Step(IN_PROGRESS, 4)),
    ),
    Demo(
        "culture_institutions:53",
        "hazard",
        "Po ulewie woda stoi na całej szerokości jezdni.",
        8,
        (Step(RESOLVED, 1, "Udrożniono kratki ściekowe."),),
    ),
    Demo(
        "culture_institutions:14",
        "pothole",
        "Koleiny i dziury na całej długości zatoczki autobusowej.",
        35,
        (Step(ACCEPTED, 3), Step(IN_PROGRESS, 12), Step(RESOLVED, 30, "Nawierzchnia wymieniona.")),
    ),
    Demo(
        "culture_institutions:13",
        "street-light",
        "Nie świecą dwie latarnie przy kładce.",
        3.5,
        attributes={"pole_number": "OR-0412"},
    ),
    Demo(
        "culture_institutions:50",
        "overflowing-bin",
        "Kosze przy szkole przepełnione po weekendzie.",
        4.5,
        (Step(RESOLVED, 1, "Kosze opróżnione."),),
    ),
    Demo(
        "culture_institutions:41",
        "traffic-sign-signal",
        "Przewrócony znak „ustąp pierwszeństwa”.",
        1,
        (Step(ACCEPTED, 0.2),),
        {"kind": "sign"},
        Channel.PHONE,
    ),
    Demo(
        "culture_institutions:52",
        "municipal-building",
        "Odpada tynk z elewacji budynku komunalnego nad wejściem.",
        11,
        (Step(ACCEPTED, 2),),
    ),
    Demo(
        "culture_institutions:49",
        "pavement",
        "Brak fragmentu chodnika przy przystanku, ludzie chodzą po trawniku.",
        17,
    ),
    Demo(
        "culture_institutions:59",
        "litter-dump",
        "Nielegalne wysypisko odpadów budowlanych na skraju lasu.",
        27,
        (Step(ACCEPTED, 2), Step(IN_PROGRESS, 9)),
    ),
    Demo(
        "culture_institutions:55",
        "tree-greenery",
        "Suche drzewo przy ścieżce, może się przewrócić.",
        6.5,
    ),
    Demo(
        "culture_institutions:51",
        "overflowing-bin",
        "Przepełnione kosze przy wejściu na plażę.",
        2.8,
    ),
    Demo(
        "culture_institutions:46",
        "drain-cover",
        "Zapchana kratka ściekowa, po każdym deszczu stoi tu duża kałuża.",
        40,
        (Step(ACCEPTED, 2), Step(RESOLVED, 9, "Kratka wyczyszczona.")),
    ),
    Demo(
        "culture_institutions:18",
        "graffiti-vandalism",
        "Zniszczona wiata przystankowa, wybita szyba.",
        0.6,
    ),
    Demo(
        "culture_institutions:20",
        "abandoned-vehicle",
        "Wrak samochodu na miejscu parkingowym, bez kół.",
        25,
        (Step(ACCEPTED, 3), Step(RESOLVED, 20, "Pojazd odholowany.")),
    ),
    Demo(
        "district:kokoszki",
        "hazard",
        "Powalone drzewo blokuje drogę gruntową przy ogródkach działkowych.",
        1.4,
        (Step(ACCEPTED, 0.1),),
        channel=Channel.PHONE,
    ),
    Demo(
        "district:osowa",
        "injured-dead-animal",
        "Kot z raną na łapie, kręci się przy sklepie.",
        3,
        (Step(RESOLVED, 1, "Kot przekazany do schroniska Promyk."),),
        {"condition": "injured", "animal": "cat"},
    ),
    Demo("district:matarnia", "other", "Zniszczona tablica z nazwą ulicy.", 13),
    Demo(
        "culture_institutions:1",
        "pothole",
        "Dziura w jezdni przy galerii na Piwnej.",
        1.1,
        (Step(DUPLICATE, 0.2, "Zgłoszone już wcześniej."),),
    ),
)
DUPLICATES = {len(DEMOS) - 1: 0}  # the last report repeats the first


class Command(BaseCommand):
    help = "Create about forty demonstration reports at the seeded places (once)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError("demo reports are not for production (MAPA_ENV=production)")
        if Report.objects.filter(reporter_name=DEMO_MARK).exists():
            self.stdout.write("Demo reports are already there; nothing to do.")
            return
        places = _places()
        now = timezone.now()
        with transaction.atomic():
            created: list[Report] = []
            for index, demo in enumerate(DEMOS):
                duplicate_of = created[DUPLICATES[index]] if index in DUPLICATES else None
                created.append(_file(demo, places[demo.place], now, duplicate_of))
        self.stdout.write(f"Created {len(created)} demo reports.")


def _places() -> dict[str, Place]:
    found: dict[str, Place] = {}
    for place in Place.objects.filter(dataset__in=[ADDRESSES_DATASET, DISTRICTS_DATASET]):
        key = (
            place.external_id
            if place.dataset == ADDRESSES_DATASET
            else f"district:{place.external_id}"
        )
        found[key] = place
    missing = {demo.place for demo in DEMOS} - found.keys()
    if missing:
        raise CommandError(
            f"missing places {', '.join(sorted(missing))}: run manage.py load_places first"
        )
    return found


def _file(demo: Demo, place: Place, now: datetime, duplicate_of: Report | None) -> Report:
    is_district = place.kind == "district"
    report = report_create(
        category=Category.objects.get(code=demo.category),
        location=place.location,
        description=demo.description,
        address="" if is_district else " ".join(filter(None, [place.street, place.housenumber])),
        attributes=demo.attributes,
        channel=demo.channel,
        reporter_name=DEMO_MARK,
        location_source=LocationSource.DISTRICT if is_district else LocationSource.ADDRESS,
    )
    for step in demo.steps:
        report_change_status(
            report=report,
            status=step.status,
            public_note=step.note,
            duplicate_of=duplicate_of if step.status == DUPLICATE else None,
        )
    _set_back(report, _created_at(demo, now), demo.steps)
    return report


def _created_at(demo: Demo, now: datetime) -> datetime:
    """``days_ago`` before now, but not in an earlier year than the reference says."""
    wanted = now - timedelta(days=demo.days_ago)
    start_of_year = timezone.localtime(now).replace(
        month=1, day=1, hour=8, minute=0, second=0, microsecond=0
    )
    return max(wanted, min(start_of_year, now))


def _set_back(report: Report, created_at: datetime, steps: tuple[Step, ...]) -> None:
    """Date the report and its history as if filed at ``created_at``."""
    now = timezone.now()
    times = [created_at] + [
        min(created_at + timedelta(days=step.days_later), now) for step in steps
    ]
    for event_id, when in zip(
        report.events.order_by("id").values_list("id", flat=True), times, strict=True
    ):
        ReportEvent.objects.filter(pk=event_id).update(created_at=when)
    Report.objects.filter(pk=report.pk).update(created_at=created_at, updated_at=times[-1])
