"""System checks: the tenancy rule that every board-owned model is scoped."""

from django.apps import apps
from django.core.checks import Error, register


@register()
def board_owned_models_are_scoped(app_configs, **kwargs):
    from core.models import BoardOwnedModel

    errors = []
    for model in apps.get_models():
        if issubclass(model, BoardOwnedModel) and not hasattr(
            model._default_manager, "with_scopes_disabled"
        ):
            errors.append(
                Error(
                    f"{model._meta.label} is board-owned but its default manager is not scoped.",
                    hint="Use core.models.BoardScopedManager (django-scopes) as `objects`.",
                    id="paktwerk.E001",
                )
            )
    return errors
