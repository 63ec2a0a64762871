from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaplansConfig(AppConfig):
    name = "mediaplans"
    verbose_name = _("Medienbildungskonzepte")
