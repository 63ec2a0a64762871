"""The import run's status machine as a table (uploaded → preview → import).

The run's status is the progress of one file through the pipeline. Its steps are made by
the pipeline itself (`core.workflow.SYSTEM`); users start them through the import views,
which check `can_edit` first. Other code asks the named guards below instead of comparing
statuses.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from core import workflow as engine

from .models import ImportRun, ImportStatus

I = ImportStatus  # noqa: E741 (a table reads better with a one-letter alias)

TRANSITIONS: dict[str, set[str]] = {
    I.UPLOADED: {I.UPLOADED, I.ANALYSING, I.PREVIEWED, I.INVALID, I.FAILED},
    I.ANALYSING: {I.PREVIEWED, I.INVALID, I.FAILED},
    I.PREVIEWED: {I.UPLOADED, I.ANALYSING, I.PREVIEWED, I.INVALID, I.COMMITTING, I.COMMITTED},
    I.INVALID: {I.UPLOADED, I.ANALYSING, I.PREVIEWED, I.INVALID},
    I.COMMITTING: {I.COMMITTED, I.INVALID, I.FAILED},
    I.FAILED: {I.UPLOADED},
    I.COMMITTED: set(),
}

IMPORT_RUN = engine.register(
    engine.Workflow(
        name="imports.run",
        model=ImportRun,
        choices=ImportStatus,
        transitions=[
            engine.Transition(source, target, engine.system_only, via="pipeline")
            for source, targets in TRANSITIONS.items()
            for target in targets
        ],
        refusal=gettext_lazy("This file has already been imported."),
        refusal_field=None,
        guards={
            # only a preview without errors may be imported
            "committable": {I.PREVIEWED},
            "committed": {I.COMMITTED},
            # the API answers 201 for these outcomes, 400 otherwise
            "accepted": {I.PREVIEWED, I.COMMITTED},
            # not imported yet: the cleanup fails these when their file is deleted
            "open": {I.UPLOADED, I.PREVIEWED, I.INVALID},
        },
    )
)
