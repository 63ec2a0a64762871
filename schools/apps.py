from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = _("School register")

    def ready(self) -> None:
        from core.tenancy import Directory, register_directory

        from .access import access_for_member
        from .models import School, SchoolBoard

        register_directory(
            Directory(access_for=access_for_member, board_model=SchoolBoard, school_model=School)
        )
