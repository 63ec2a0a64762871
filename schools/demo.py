"""Demo registry for Sachsen-Anhalt: boards of every kind, schools, sites, rooms, users."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import BoardKind, Role, RoomKind, SchoolType
from .models import Land, Membership, ReviewAuthority, Room, School, SchoolBoard, Site

DEMO_PASSWORD = "paktwerk-demo"
DEMO_USERS = [
    ("traeger", gettext_lazy("Schulträger administration, Landkreis Harz")),
    ("sachbearbeitung", gettext_lazy("Schulträger clerk, Landkreis Harz")),
    ("schule", gettext_lazy("School (IT coordination), Gymnasium Am Brocken")),
    ("berater", gettext_lazy("Consultant/IT provider for Landkreis Harz and Stadt Wernigerode")),
    ("pruefer", gettext_lazy("Reviewer (LISA/LINDIUS) for Sachsen-Anhalt, content review")),
    ("pruefer2", gettext_lazy("Reviewer (Landesverwaltungsamt) for Sachsen-Anhalt, approval")),
    ("ministerium", gettext_lazy("Education ministry Sachsen-Anhalt, read only")),
    ("halle", gettext_lazy("Schulträger administration, Stadt Halle (Saale)")),
    ("stiftung", gettext_lazy("Schulträger administration, Freie Schulstiftung Mitteldeutschland")),
    ("gast", gettext_lazy("Signed in without a role (sees nothing)")),
]

BOARDS = [
    (
        "Landkreis Harz",
        BoardKind.LANDKREIS,
        "Halberstadt",
        "38820",
        9,
        [
            SchoolType.GYMNASIUM,
            SchoolType.SEKUNDARSCHULE,
            SchoolType.GEMEINSCHAFTSSCHULE,
            SchoolType.FOERDERSCHULE,
            SchoolType.BERUFSBILDENDE_SCHULE,
            SchoolType.GYMNASIUM,
            SchoolType.SEKUNDARSCHULE,
            SchoolType.GESAMTSCHULE,
            SchoolType.BERUFSSCHULE,
        ],
    ),
    (
        "Stadt Halle (Saale)",
        BoardKind.KREISFREIE_STADT,
        "Halle (Saale)",
        "06108",
        12,
        [SchoolType.GRUNDSCHULE] * 6
        + [
            SchoolType.SEKUNDARSCHULE,
            SchoolType.GYMNASIUM,
            SchoolType.GYMNASIUM,
            SchoolType.GESAMTSCHULE,
            SchoolType.FOERDERSCHULE,
            SchoolType.BERUFSBILDENDE_SCHULE,
        ],
    ),
    (
        "Stadt Wernigerode",
        BoardKind.GEMEINDE,
        "Wernigerode",
        "38855",
        4,
        [SchoolType.GRUNDSCHULE] * 4,
    ),
    (
        "Verbandsgemeinde Obere Aller",
        BoardKind.VERBANDSGEMEINDE,
        "Eilsleben",
        "39365",
        3,
        [SchoolType.GRUNDSCHULE] * 3,
    ),
    (
        "Freie Schulstiftung Mitteldeutschland",
        BoardKind.FREIER_TRAEGER,
        "Magdeburg",
        "39104",
        3,
        [SchoolType.GEMEINSCHAFTSSCHULE, SchoolType.GRUNDSCHULE, SchoolType.PFLEGESCHULE],
    ),
]
NAME_PARTS = [
    "Am Brocken",
    "Thomas Müntzer",
    "Lessing",
    "Am Stadtpark",
    "Käthe Kollwitz",
    "Friedrich Schiller",
    "Am Lindenberg",
    "Albert Schweitzer",
    "An der Saale",
    "Johann Gottfried Herder",
    "Regenbogen",
    "Novalis",
    "Am Bruchberg",
    "Gutenberg",
]
STREETS = ["Schulstraße", "Lindenallee", "Bahnhofstraße", "Am Markt", "Gartenweg", "Feldstraße"]
TYPE_LABEL = {t.value: t.label for t in SchoolType}


def is_seeded() -> bool:
    """seed_demo asks every demo module; the register is the first thing the demo creates."""
    return Land.objects.exists()


def seed(*, stdout, rng) -> None:
    land = Land.objects.create(
        code="ST",
        name="Sachsen-Anhalt",
        school_number_pattern=r"^\d{5}$",
        school_number_hint="fünfstellig, z. B. 12345",
    )
    Land.objects.create(
        code="SH",
        name="Schleswig-Holstein",
        school_number_pattern=r"^\d{7}$",
        school_number_hint="siebenstellig",
    )
    counts_date = dt.date(2026, 9, 15)
    number = 10000
    boards = {}
    first_school = {}
    for name, kind, city, plz, n_schools, types in BOARDS:
        board = SchoolBoard.objects.create(
            land=land,
            name=name,
            kind=kind,
            city=city,
            postal_code=plz,
            street="Friedrich-Ebert-Straße 42",
            email="schulverwaltung@example.org",
        )
        boards[name] = board
        for i in range(n_schools):
            number += rng.randint(3, 40)
            school_type = types[i % len(types)]
            part = NAME_PARTS[(i + len(boards)) % len(NAME_PARTS)]
            vocational = "Berufs" in TYPE_LABEL[school_type] or school_type in (
                "bbs",
                "pflegeschule",
            )
            label = TYPE_LABEL[school_type]
            school_name = f"{label} {part}" if not vocational else f"{label} {city} {i + 1}"
            if name == "Landkreis Harz" and i == 0:
                school_name = "Gymnasium Am Brocken"
            pupils = rng.randint(24, 60) if school_type == "pflegeschule" else rng.randint(90, 980)
            school = School.objects.create(
                school_board=board,
                land=land,
                school_number=str(number),
                name=school_name,
                school_type=school_type,
                street=f"{rng.choice(STREETS)} {rng.randint(1, 60)}",
                postal_code=plz,
                city=city,
                pupils=pupils,
                teachers=max(3, pupils // 14),
                classes=max(1, pupils // 24),
                counts_date=counts_date,
                head_teacher=f"{rng.choice(['Dr. ', ''])}{rng.choice(['A.', 'K.', 'M.', 'S.'])} "
                f"{rng.choice(['Beispiel', 'Muster', 'Lehmann', 'Krüger', 'Vogel', 'Schubert'])}",
                email=f"sekretariat{number}@schulen.example.org",
            )
            first_school.setdefault(name, school)
            main = Site.objects.create(
                school=school,
                school_board=board,
                name=school_name,
                city=city,
                postal_code=plz,
                is_main=True,
            )
            sites = [main]
            if i % 4 == 1:
                sites.append(
                    Site.objects.create(
                        school=school,
                        school_board=board,
                        name=f"Außenstelle {city}",
                        city=city,
                        postal_code=plz,
                    )
                )
            rooms = []
            for r in range(rng.randint(4, 9)):
                site = sites[r % len(sites)]
                kind = [
                    RoomKind.CLASSROOM,
                    RoomKind.CLASSROOM,
                    RoomKind.SCIENCE_LAB,
                    RoomKind.COMPUTER_ROOM,
                    RoomKind.STAFF_ROOM,
                    RoomKind.STORAGE,
                    RoomKind.CLASSROOM,
                    RoomKind.LIBRARY,
                    RoomKind.SERVER_ROOM,
                ][r]
                rooms.append(
                    Room(
                        site=site,
                        school=school,
                        school_board=board,
                        name=f"{'A' if site.is_main else 'B'}{100 + r}",
                        kind=kind,
                        building="Haus A" if site.is_main else "Haus B",
                        floor=str(r // 4),
                        seats=28 if kind == "classroom" else None,
                        has_lan=r % 3 != 2,
                        has_wlan=r % 2 == 0,
                        has_display=kind == "classroom" and r % 2 == 0,
                    )
                )
            Room.objects.bulk_create(rooms)
    User = get_user_model()

    def user(username, first, last, **kwargs):
        u = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
            **kwargs,
        )
        return u

    harz = boards["Landkreis Harz"]
    Membership.objects.create(
        user=user("traeger", "Tanja", "Träger"), role=Role.BOARD_ADMIN, school_board=harz
    )
    Membership.objects.create(
        user=user("sachbearbeitung", "Sven", "Sachse"), role=Role.BOARD_STAFF, school_board=harz
    )
    Membership.objects.create(
        user=user("schule", "Sabine", "Schulz"),
        role=Role.SCHOOL_STAFF,
        school=first_school["Landkreis Harz"],
    )
    berater = user("berater", "Bernd", "Berater")
    Membership.objects.create(user=berater, role=Role.CONSULTANT, school_board=harz)
    Membership.objects.create(
        user=berater, role=Role.CONSULTANT, school_board=boards["Stadt Wernigerode"]
    )
    Membership.objects.create(
        user=user("pruefer", "Petra", "Prüfer"),
        role=Role.REVIEWER,
        land=land,
        authority=ReviewAuthority.CONTENT_CHECK,
    )
    Membership.objects.create(
        user=user("pruefer2", "Paul", "Prüfer"),
        role=Role.REVIEWER,
        land=land,
        authority=ReviewAuthority.APPROVAL,
    )
    Membership.objects.create(
        user=user("ministerium", "Miriam", "Minister"),
        role=Role.REVIEWER,
        land=land,
        authority=ReviewAuthority.MINISTRY,
    )
    Membership.objects.create(
        user=user("halle", "Hanna", "Hallenser"),
        role=Role.BOARD_ADMIN,
        school_board=boards["Stadt Halle (Saale)"],
    )
    Membership.objects.create(
        user=user("stiftung", "Stefan", "Stift"),
        role=Role.BOARD_ADMIN,
        school_board=boards["Freie Schulstiftung Mitteldeutschland"],
    )
    user("gast", "Gustav", "Gast")
    User.objects.create_superuser(
        username="admin", password=DEMO_PASSWORD, email="admin@example.org"
    )
    stdout.write(
        "  "
        + _("%(boards)s boards, %(schools)s schools, %(rooms)s rooms")
        % {
            "boards": SchoolBoard.objects.count(),
            "schools": School.objects.count(),
            "rooms": Room.objects.count(),
        }
    )
