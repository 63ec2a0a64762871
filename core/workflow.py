"""The one workflow engine: status machines as tables, one transition service, one log.

Every status field of every app declares its machine in its app's `workflow.py`::

    ORDER = Workflow(
        name="devices.device",
        model=Device,
        choices=DeviceStatus,
        transitions=[Transition(S.ORDERED, S.DELIVERED, may_edit), ...],
    )
    register(ORDER)

and changes only through `transition(...)`, which locks the row, checks the table and
the permission, runs the transition's own field changes (`apply`), saves through the
one write path (`core.services.save_row`), writes one `core.StatusChange` row and
schedules the `on_transition` hooks after the commit — the one place where
notifications attach.

There is no "skip the permission" flag: work that a process does on behalf of the
system (a device going on loan because a loan was handed out) is a transition with
`via=` naming that process, run with `access=SYSTEM` and a permission predicate that
admits it (`system_only`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import STATUS_REASON_MAX, StatusChange
from core.services import save_row
from core.tenancy import Access

REQUIRED = "required"
OPTIONAL = "optional"

Permission = Callable[[Access, Any], bool]
Hook = Callable[[StatusChange], None]


class SystemAccess(Access):
    """The access of the system itself: follow-on steps of a process already permitted."""


#: pass as `access` for transitions a process performs (loan hand-out, adoption, import)
SYSTEM = SystemAccess()


def system_only(access: Access, obj) -> bool:
    """Permission of transitions only a process performs (never a user directly)."""
    return isinstance(access, SystemAccess)


def anyone_with(predicate: Permission) -> Permission:
    """A user's predicate, also admitted when the system performs the step."""

    def check(access: Access, obj) -> bool:
        return isinstance(access, SystemAccess) or predicate(access, obj)

    check.__name__ = getattr(predicate, "__name__", "check")
    return check


@dataclass(frozen=True)
class Transition:
    """One row of a status table: from `source` to `target`, who may, and whether a reason."""

    source: str
    target: str
    permission: Permission
    reason: str = OPTIONAL
    action: str = ""
    #: non-empty: the step belongs to a process (e.g. "loan", "decision") and is only run
    #: by it (`transition(..., via=...)`); users never get it offered directly
    via: str = ""


@dataclass
class Workflow:
    """The status machine of one field of one model, as a table."""

    name: str
    model: type[models.Model]
    transitions: list[Transition]
    field: str = "status"
    #: TextChoices (or a dict value -> label) for the log's labels
    choices: Any = None
    action_labels: dict[str, Any] = dataclasses.field(default_factory=dict)
    #: the message when a step is not in the table; gets %(old)s and %(new)s
    refusal: Any = gettext_lazy("This step is not possible from “%(old)s” to “%(new)s”.")
    #: a clearer refusal per target status (e.g. "Only a prepared contract can be signed.")
    refusals: dict[str, Any] = dataclasses.field(default_factory=dict)
    #: the form field the refusal belongs to (None: a message for the whole form)
    refusal_field: str | None = "to_status"
    reason_required: Any = gettext_lazy("Please give a reason for this step.")

    #: named conditions on the status that other services ask ("may this application
    #: receive invoices?"): {name: {statuses}} — status checks live here, next to the table
    guards: dict[str, set[str]] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        seen = set()
        for t in self.transitions:
            key = (t.source, t.target, t.via)
            if key in seen:
                raise ValueError(f"{self.name}: transition {key} declared twice")
            seen.add(key)

    # --- reading the table -------------------------------------------------------
    def label(self, value: str) -> str:
        if self.choices is None:
            return value
        labels = self.choices if isinstance(self.choices, dict) else dict(self.choices.choices)
        return str(labels.get(value, value))

    def action_label(self, action: str) -> str:
        return str(self.action_labels.get(action, action))

    def find(self, source: str, target: str, via: str = "") -> Transition | None:
        """The table row; a process (`via`) may also make the ordinary steps."""
        fallback = None
        for t in self.transitions:
            if t.source == source and t.target == target:
                if t.via == via:
                    return t
                if not t.via:
                    fallback = t
        return fallback

    def allows(self, source: str, target: str, via: str = "") -> bool:
        return self.find(source, target, via) is not None

    def is_in(self, obj, guard: str) -> bool:
        """Does the row's status satisfy the named guard?"""
        return getattr(obj, self.field) in self.guards[guard]

    def require(self, obj, guard: str, message) -> None:
        """Raise ValidationError(message) unless the row's status satisfies the guard."""
        if not self.is_in(obj, guard):
            raise ValidationError(message)

    def can(self, obj, target: str, via: str = "") -> bool:
        """Is the step from the row's current status to `target` in the table?"""
        return self.find(getattr(obj, self.field), target, via) is not None

    def ensure(self, obj, target: str, via: str = "") -> None:
        """Raise the table's refusal unless the step to `target` is possible now."""
        if not self.can(obj, target, via):
            raise _refuse(self, getattr(obj, self.field), target)

    def sources(self) -> set[str]:
        return {t.source for t in self.transitions}

    def table(self, *, via: str | None = None) -> dict[str, set[str]]:
        """{source: {targets}} (all transitions, or those of one process)."""
        out: dict[str, set[str]] = {}
        for t in self.transitions:
            if via is None or t.via == via:
                out.setdefault(t.source, set()).add(t.target)
        return out

    def targets(self, obj, access: Access) -> list[str]:
        """The statuses this user may move the row to now (for buttons and select lists)."""
        current = getattr(obj, self.field)
        found = [
            t.target
            for t in self.transitions
            if t.source == current and not t.via and t.permission(access, obj)
        ]
        order = (
            [v for v, _label in self.choices.choices] if hasattr(self.choices, "choices") else []
        )
        return sorted(set(found), key=lambda v: order.index(v) if v in order else len(order))


# --- registries -------------------------------------------------------------------------------
_WORKFLOWS: dict[tuple[str, str, str], Workflow] = {}
_HOOKS: list[Hook] = []


def _key(model: type[models.Model], field_name: str) -> tuple[str, str, str]:
    return (model._meta.app_label, model._meta.model_name, field_name)


def register(workflow: Workflow) -> Workflow:
    """Register a status machine (each app's workflow.py does this at import)."""
    _WORKFLOWS[_key(workflow.model, workflow.field)] = workflow
    return workflow


def workflow_for(model: type[models.Model], field_name: str = "status") -> Workflow:
    return _WORKFLOWS[_key(model, field_name)]


def workflows() -> list[Workflow]:
    return list(_WORKFLOWS.values())


def workflow_for_content_type(content_type_id: int, field_name: str) -> Workflow | None:
    ct = ContentType.objects.get_for_id(content_type_id)
    return _WORKFLOWS.get((ct.app_label, ct.model, field_name))


def on_transition(hook: Hook) -> Hook:
    """Register a callable run with each StatusChange after its transaction commits."""
    if hook not in _HOOKS:
        _HOOKS.append(hook)
    return hook


def remove_hook(hook: Hook) -> None:
    if hook in _HOOKS:
        _HOOKS.remove(hook)


def _schedule_hooks(change: StatusChange) -> None:
    for hook in list(_HOOKS):
        transaction.on_commit(lambda hook=hook: hook(change))


# --- the log ----------------------------------------------------------------------------------
def _school_id(obj) -> int | None:
    path = getattr(type(obj), "school_path", None)
    if not path:
        return None
    if path == "id":
        return obj.pk
    value = obj
    parts = path.split("__")
    for part in parts[:-1]:
        value = getattr(value, part, None)
        if value is None:
            return None
    return getattr(value, f"{parts[-1]}_id", None)


def log_entry(
    obj,
    *,
    actor,
    from_status: str,
    to_status: str,
    field_name: str = "status",
    action: str = "",
    reason: str = "",
    data: dict | None = None,
) -> StatusChange:
    """An unsaved log row for `obj` (bulk paths create many at once)."""
    return StatusChange(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        school_board_id=getattr(obj, "school_board_id", None),
        school_id=_school_id(obj),
        field=field_name,
        from_status=from_status or "",
        to_status=to_status or "",
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason or "",
        data=data or {},
    )


def record(obj, *, actor, action: str, reason: str = "", data: dict | None = None, **kw):
    """Record a step that is not a status change (from == to), e.g. a change request."""
    field_name = kw.pop("field_name", "status")
    status = getattr(obj, field_name, "")
    entry = log_entry(
        obj,
        actor=actor,
        from_status=kw.pop("from_status", status),
        to_status=kw.pop("to_status", status),
        field_name=field_name,
        action=action,
        reason=reason,
        data=data,
    )
    entry.save()
    _schedule_hooks(entry)
    return entry


def record_initial(objs: Iterable, *, actor, reason: str = "", field_name: str = "status"):
    """Log the first status of freshly created rows (from "" to their status)."""
    entries = [
        log_entry(
            o,
            actor=actor,
            from_status="",
            to_status=getattr(o, field_name),
            field_name=field_name,
            action="create",
            reason=reason,
        )
        for o in objs
    ]
    StatusChange.objects.bulk_create(entries, batch_size=500)
    return entries


def history_of(obj, field_name: str | None = None):
    """The log rows of one object, newest first (the caller's scope applies)."""
    qs = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    )
    return qs.filter(field=field_name) if field_name else qs


# --- the one transition service ---------------------------------------------------------------
def _refuse(workflow: Workflow, source: str, target: str) -> ValidationError:
    message = workflow.refusals.get(target) or workflow.refusal
    message = str(message) % {"old": workflow.label(source), "new": workflow.label(target)}
    if workflow.refusal_field:
        return ValidationError({workflow.refusal_field: message})
    return ValidationError(message)


def _check_reason(workflow: Workflow, step: Transition, reason: str) -> None:
    if step.reason == REQUIRED and not reason:
        raise ValidationError({"reason": workflow.reason_required})
    if len(reason) > STATUS_REASON_MAX:
        raise ValidationError(
            {
                "reason": _("The reason can have at most %(n)s characters.")
                % {"n": STATUS_REASON_MAX}
            }
        )


@transaction.atomic
def transition(
    *,
    workflow: Workflow,
    obj,
    to: str,
    actor,
    access: Access,
    reason: str = "",
    data: dict | None = None,
    apply: Callable[[Any], dict | None] | None = None,
    via: str = "",
    save_exclude: Iterable[str] | None = None,
) -> StatusChange:
    """Lock, check table and permission, apply, save, log, and notify after the commit.

    `apply(locked)` makes the transition's own field changes and validations on the
    locked row (it sees the old status) and may return extra data for the log. Returns
    the StatusChange; its `content_object` is the saved, locked row, and `obj` gets
    the new status and version.
    """
    model = workflow.model
    locked = model._default_manager.select_for_update().get(pk=obj.pk)
    source = getattr(locked, workflow.field)
    step = workflow.find(source, to, via)
    if step is None:
        raise _refuse(workflow, source, to)
    if not step.permission(access, locked):
        raise PermissionDenied
    reason = (reason or "").strip()
    _check_reason(workflow, step, reason)
    extra = apply(locked) if apply is not None else None
    setattr(locked, workflow.field, to)
    save_row(
        locked,
        actor=actor,
        reason=reason or step.action or f"{source} → {to}",
        exclude=save_exclude,
    )
    setattr(obj, workflow.field, to)
    if hasattr(obj, "version") and hasattr(locked, "version"):
        obj.version = locked.version
    entry = log_entry(
        locked,
        actor=actor,
        from_status=source,
        to_status=to,
        field_name=workflow.field,
        action=step.action,
        reason=reason,
        data={**(data or {}), **(extra or {})},
    )
    entry.save()
    entry.content_object = locked
    _schedule_hooks(entry)
    return entry


@transaction.atomic
def transition_many(
    *,
    workflow: Workflow,
    objs: Iterable,
    to: str,
    actor,
    access: Access,
    reason: str = "",
    via: str = "",
) -> list[StatusChange]:
    """The bulk path of `transition` for a status-only step of many rows (e.g. a delivery's
    300 devices going into stock): the same table, permission and reason checks per row,
    then one bulk update with history, one bulk insert into the log, hooks after commit.

    All or nothing: a row the step does not fit refuses the whole call. Steps that change
    other fields (`apply`) go through `transition`, row by row.
    """
    from django.utils import timezone
    from simple_history.utils import bulk_update_with_history

    from core.services import bump_version, trim_reason

    model = workflow.model
    ids = [o.pk for o in objs]
    locked = list(model._default_manager.select_for_update().filter(pk__in=ids).order_by("pk"))
    reason = (reason or "").strip()
    entries: list[StatusChange] = []
    for row in locked:
        source = getattr(row, workflow.field)
        step = workflow.find(source, to, via)
        if step is None:
            raise _refuse(workflow, source, to)
        if not step.permission(access, row):
            raise PermissionDenied
        _check_reason(workflow, step, reason)
        setattr(row, workflow.field, to)
        bump_version(row)
        if hasattr(row, "updated_at"):
            row.updated_at = timezone.now()
        entries.append(
            log_entry(
                row,
                actor=actor,
                from_status=source,
                to_status=to,
                field_name=workflow.field,
                action=step.action,
                reason=reason,
            )
        )
    fields = [workflow.field] + [f for f in ("version", "updated_at") if hasattr(model, f)]
    if locked:
        bulk_update_with_history(
            locked,
            model,
            fields,
            batch_size=500,
            default_user=actor,
            default_change_reason=trim_reason(reason) or f"→ {to}",
        )
    StatusChange.objects.bulk_create(entries, batch_size=500)
    for entry in entries:
        _schedule_hooks(entry)
    return entries
