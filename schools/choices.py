from django.db import models
from django.utils.translation import gettext_lazy as _


class BoardKind(models.TextChoices):
    LANDKREIS = "landkreis", _("Landkreis")
    KREISFREIE_STADT = "kreisfreie_stadt", _("Kreisfreie Stadt")
    GEMEINDE = "gemeinde", _("Gemeinde / Stadt")
    VERBANDSGEMEINDE = "verbandsgemeinde", _("Verbandsgemeinde")
    FREIER_TRAEGER = "freier_traeger", _("Freier Träger")


class SchoolType(models.TextChoices):
    """School types of § 3 SchulG LSA; VOCATIONAL_TYPES drives the mobile-device cap."""

    GRUNDSCHULE = "grundschule", _("Grundschule")
    SEKUNDARSCHULE = "sekundarschule", _("Sekundarschule")
    GESAMTSCHULE = "gesamtschule", _("Gesamtschule")
    GEMEINSCHAFTSSCHULE = "gemeinschaftsschule", _("Gemeinschaftsschule")
    GYMNASIUM = "gymnasium", _("Gymnasium")
    FOERDERSCHULE = "foerderschule", _("Förderschule")
    ZWEITER_BILDUNGSWEG = "zweiter_bildungsweg", _("Schule des zweiten Bildungswegs")
    BERUFSBILDENDE_SCHULE = "bbs", _("Berufsbildende Schule")
    BERUFSSCHULE = "berufsschule", _("Berufsschule")
    BERUFSFACHSCHULE = "berufsfachschule", _("Berufsfachschule")
    FACHSCHULE = "fachschule", _("Fachschule")
    FACHOBERSCHULE = "fachoberschule", _("Fachoberschule")
    BERUFLICHES_GYMNASIUM = "berufliches_gymnasium", _("Berufliches Gymnasium")
    PFLEGESCHULE = "pflegeschule", _("Pflegeschule")


VOCATIONAL_TYPES = frozenset(
    {
        SchoolType.BERUFSBILDENDE_SCHULE,
        SchoolType.BERUFSSCHULE,
        SchoolType.BERUFSFACHSCHULE,
        SchoolType.FACHSCHULE,
        SchoolType.FACHOBERSCHULE,
        SchoolType.BERUFLICHES_GYMNASIUM,
        SchoolType.PFLEGESCHULE,
    }
)


class RoomKind(models.TextChoices):
    CLASSROOM = "classroom", _("Klassenraum")
    SCIENCE_LAB = "lab", _("Fachraum / Labor")
    COMPUTER_ROOM = "computer", _("Computerraum")
    WORKSHOP = "workshop", _("Werkstatt")
    STAFF_ROOM = "staff", _("Lehrerzimmer")
    LIBRARY = "library", _("Bibliothek / Mediathek")
    ADMINISTRATION = "admin", _("Verwaltung")
    GYM = "gym", _("Sporthalle")
    SERVER_ROOM = "server", _("Serverraum / Technik")
    STORAGE = "storage", _("Lager / Gerätepool")
    OTHER = "other", _("Sonstiger Raum")


class Role(models.TextChoices):
    BOARD_ADMIN = "board_admin", _("Schulträger – Administration")
    BOARD_STAFF = "board_staff", _("Schulträger – Sachbearbeitung")
    SCHOOL_STAFF = "school_staff", _("Schule")
    CONSULTANT = "consultant", _("Berater / IT-Dienstleister")
    REVIEWER = "reviewer", _("Prüfer (Land)")


BOARD_ROLES = frozenset({Role.BOARD_ADMIN, Role.BOARD_STAFF, Role.CONSULTANT})
