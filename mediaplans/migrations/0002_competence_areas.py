"""Seed the six KMK competence areas („Bildung in der digitalen Welt“, 2016)."""

from django.db import migrations

from mediaplans.choices import KMK_AREAS as AREAS


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
