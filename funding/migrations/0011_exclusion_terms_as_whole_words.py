"""Carry today's hard-coded word lists into every rule-set version in whole-word form."""

from django.db import migrations

# Today's hard-coded word lists, carried into every existing rule-set version as data and
# made to work on whole words: "Personal" stays excluded, "Personal Computer" becomes an
# eligible phrase, phones named only by their model are found by model terms.
OLD_PHONE_TERMS = {"smartphone", "handy", "iphone", "mobiltelefon"}
PHONE_TERMS = [
    "*smartphone*",
    "*handy",
    "*handys",
    "iPhone*",
    "Mobiltelefon*",
    "Galaxy S#*",
    "Galaxy A#*",
    "Galaxy Z *",
    "Pixel #*",
]
EXTRA_EXCLUDED = ["Personalkosten"]
ALLOWED = ["Personal Computer"]


def carry_terms(apps, schema_editor):
    RuleSet = apps.get_model("funding", "RuleSet")
    for ruleset in RuleSet.objects.all():
        phones = [t for t in ruleset.smartphone_terms or [] if t.lower() not in OLD_PHONE_TERMS]
        ruleset.smartphone_terms = PHONE_TERMS + [t for t in phones if t not in PHONE_TERMS]
        excluded = list(ruleset.excluded_terms or [])
        ruleset.excluded_terms = excluded + [t for t in EXTRA_EXCLUDED if t not in excluded]
        ruleset.allowed_phrases = list(ALLOWED)
        ruleset.save(update_fields=["smartphone_terms", "excluded_terms", "allowed_phrases"])


def keep_terms(apps, schema_editor):
    """Backwards: the new field disappears; the lists keep their new, whole-word form."""


class Migration(migrations.Migration):
    dependencies = [("funding", "0010_mobile_cap_exclusions_overrides")]

    operations = [migrations.RunPython(carry_terms, keep_terms)]
