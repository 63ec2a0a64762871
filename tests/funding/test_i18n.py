"""Funding's service messages have English msgids and a German translation."""

from django.utils import translation
from django.utils.translation import gettext


def test_service_messages_in_english_and_german():
    msgid = "Approving %(amount)s exceeds the school board's remaining budget (%(free)s)."
    values = {"amount": "1,00 €", "free": "0,00 €"}
    with translation.override("en"):
        assert gettext(msgid) % values == (
            "Approving 1,00 € exceeds the school board's remaining budget (0,00 €)."
        )
    with translation.override("de"):
        assert gettext(msgid) % values == (
            "Die Bewilligung von 1,00 € übersteigt das verbleibende Budget des "
            "Schulträgers (0,00 €)."
        )
        assert gettext("Please give the invoice date.") == "Bitte das Rechnungsdatum angeben."
