from django.db import models
from django.utils.translation import gettext_lazy as _


class BoardKind(models.TextChoices):
    LANDKREIS = "landkreis", _("Landkreis")
    KREISFREIE_STADT = "kreisfreie_stadt", _("Kreisfreie Stadt")
    GEMEINDE = "gemeinde", _("Gemeinde / Stadt")
    VERBANDSGEMEINDE = "verbandsgemeinde", _("Verbandsgemeinde")
    FREIER_TRAEGER = "freier_traeger", _("Independent operator (freier Träger)")


class SchoolType(models.TextChoices):
    """School types of § 3 SchulG LSA; VOCATIONAL_TYPES drives the mobile-device cap."""

    GRUNDSCHULE = "grundschule", _("Grundschule")
    SEKUNDARSCHULE = "sekundarschule", _("Sekundarschule")
    GESAMTSCHULE = "gesamtschule", _("Gesamtschule")
    GEMEINSCHAFTSSCHULE = "gemeinschaftsschule", _("Gemeinschaftsschule")
    GYMNASIUM = "gymnasium", _("Gymnasium")
    FOERDERSCHULE = "foerderschule", _("Förderschule")
    ZWEITER_BILDUNGSWEG = "zweiter_bildungsweg", _("Second-chance school (zweiter Bildungsweg)")
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
    CLASSROOM = "classroom", _("Classroom")
    SCIENCE_LAB = "lab", _("Subject room / lab")
    COMPUTER_ROOM = "computer", _("Computer room")
    WORKSHOP = "workshop", _("Workshop")
    STAFF_ROOM = "staff", _("Staff room")
    LIBRARY = "library", _("Library / media centre")
    ADMINISTRATION = "admin", _("Administration")
    GYM = "gym", _("Gym")
    SERVER_ROOM = "server", _("Server room / technical room")
    STORAGE = "storage", _("Storage / device pool")
    OTHER = "other", _("Other room")


class Role(models.TextChoices):
    BOARD_ADMIN = "board_admin", _("Schulträger – administration")
    BOARD_STAFF = "board_staff", _("Schulträger – case work")
    SCHOOL_STAFF = "school_staff", _("School")
    CONSULTANT = "consultant", _("Consultant / IT service provider")
    REVIEWER = "reviewer", _("Reviewer (Land)")
    COOPERATIVE_STAFF = "cooperative_staff", _("Cooperative staff (Genossenschaft)")


BOARD_ROLES = frozenset({Role.BOARD_ADMIN, Role.BOARD_STAFF, Role.CONSULTANT})
