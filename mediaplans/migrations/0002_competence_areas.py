"""Seed the six KMK competence areas („Bildung in der digitalen Welt“, 2016)."""

from django.db import migrations

# The six areas as they were when this migration was written: a migration carries its
# own data and never imports live app code (tests/core/test_hygiene.py).
AREAS = [
    (1, 'Suchen, Verarbeiten und Aufbewahren',
     'Suchen und Filtern, Auswerten und Bewerten, Speichern und Abrufen von Informationen.'),
    (2, 'Kommunizieren und Kooperieren',
     'Interagieren, Teilen, Zusammenarbeiten, Umgangsregeln kennen (Netiquette), an der Gesellschaft aktiv teilhaben.'),
    (3, 'Produzieren und Präsentieren',
     'Entwickeln und Produzieren, Weiterverarbeiten und Integrieren, rechtliche Vorgaben beachten.'),
    (4, 'Schützen und sicher Agieren',
     'Sicher in digitalen Umgebungen agieren, persönliche Daten und Privatsphäre schützen, Gesundheit schützen, Natur und Umwelt schützen.'),
    (5, 'Problemlösen und Handeln',
     'Technische Probleme lösen, Werkzeuge bedarfsgerecht einsetzen, eigene Defizite ermitteln, digitale Werkzeuge zum Lernen nutzen, algorithmische Strukturen erkennen.'),
    (6, 'Analysieren und Reflektieren',
     'Medien analysieren und bewerten, Medien in der digitalen Welt verstehen und reflektieren.'),
]


def seed(apps, schema_editor):
    Area = apps.get_model("mediaplans", "CompetenceArea")
    for number, name, description in AREAS:
        Area.objects.update_or_create(number=number,
                                      defaults={"name": name, "description": description})


def unseed(apps, schema_editor):
    apps.get_model("mediaplans", "CompetenceArea").objects.filter(
        number__in=[a[0] for a in AREAS]).delete()


class Migration(migrations.Migration):
    dependencies = [("mediaplans", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
