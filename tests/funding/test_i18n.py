"""Funding's German service messages are translatable: English users get English."""

from django.utils import translation
from django.utils.translation import gettext


def test_service_messages_in_english_and_german():
    msgid = (
        "Die Bewilligung von %(amount)s übersteigt das verbleibende Budget des "
        "Schulträgers (%(free)s)."
    )
    with translation.override("en"):
        assert gettext(msgid) % {"amount": "1,00 €", "free": "0,00 €"} == (
            "Approving 1,00 € exceeds the school board's remaining budget (0,00 €)."
        )
    with translation.override("de"):
        assert gettext("Bitte das Rechnungsdatum angeben.") == "Bitte das Rechnungsdatum angeben."
