"""Shared code of the import/export commands: board by code, progress bar, exit codes."""

from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_scopes import scopes_disabled

from core.management.base import LocalizedCommand
from core.spreadsheets import SpreadsheetRefused
from core.tenancy import board_scope


def find_board(code: str):
    """--board takes the board's id, its Gemeindeschlüssel/reference, or its exact name."""
    from schools.models import SchoolBoard

    with scopes_disabled():
        qs = SchoolBoard.objects.all()
        board = None
        if code.isdigit():
            board = qs.filter(pk=int(code)).first()
        board = board or qs.filter(official_key=code).first() or qs.filter(name=code).first()
    if board is None:
        raise CommandError(
            _("Schulträger '%(code)s' not found (use its id, key or exact name).") % {"code": code}
        )
    return board


def find_user(username: str | None):
    User = get_user_model()  # noqa: N806
    if username:
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(_("User '%(name)s' not found.") % {"name": username})
    user = User.objects.filter(is_superuser=True).order_by("pk").first()
    if user is None:
        raise CommandError(_("No --user given and no superuser exists to act as the user."))
    return user


def check_may_act(user, board, *, write: bool) -> None:
    """The CLI acts as `--user`: refuse (nothing written) unless that user may act for the board.

    Import needs a board-level editing role (as the upload page does); export needs read
    access to every row of the board (board roles, reviewers of its Land, platform admins).
    """
    from core.tenancy import access_for

    access = access_for(user)
    allowed = access.edit_board_ids if write else access.full_board_ids
    if board.pk not in allowed:
        message = (
            _("User '%(name)s' may not import into Schulträger '%(board)s'.")
            if write
            else _("User '%(name)s' may not export from Schulträger '%(board)s'.")
        )
        raise CommandError(message % {"name": user.username, "board": board.name})


class ProgressBar:
    """A terminal progress bar on stderr (silent when stderr is not a terminal)."""

    def __init__(self, total: int, stream=None):
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream or sys.stderr
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()

    def __call__(self, n: int) -> None:
        self.done += n
        if self.enabled:
            width = 40
            filled = int(width * min(self.done, self.total) / self.total)
            self.stream.write(
                f"\r[{'#' * filled}{'.' * (width - filled)}] "
                f"{min(self.done, self.total)}/{self.total}"
            )
            self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\n")


def row_counts(run) -> str:
    """ "12 rows: 3 new, 1 changed, 8 unchanged, 0 with errors" in the active language."""
    return ngettext(
        "%(total)s row: %(new)s new, %(changed)s changed, %(unchanged)s unchanged, "
        "%(errors)s with errors",
        "%(total)s rows: %(new)s new, %(changed)s changed, %(unchanged)s unchanged, "
        "%(errors)s with errors",
        run.rows_total,
    ) % {
        "total": run.rows_total,
        "new": run.rows_new,
        "changed": run.rows_changed,
        "unchanged": run.rows_unchanged,
        "errors": run.rows_error,
    }


class ImportCommand(LocalizedCommand):
    kind = ""
    help = "Import a CSV or XLSX file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--board", required=True, help="Schulträger: id, key or name")
        parser.add_argument("--user", help="user recorded as importer (default: first superuser)")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args, **options):
        from imports.services import import_file

        path = Path(options["file"])
        if not path.exists():
            raise CommandError(_("%(path)s: no such file.") % {"path": path})
        board = find_board(options["board"])
        user = find_user(options.get("user"))
        check_may_act(user, board, write=True)
        data = path.read_bytes()
        kind = options.get("kind") or self.kind
        with board_scope([board.pk]):
            try:
                from core.spreadsheets import read_table

                total = len(read_table(path.name, data).rows)
                bar = ProgressBar(total)
                run, plan = import_file(
                    actor=user,
                    board=board,
                    kind=kind,
                    name=path.name,
                    data=data,
                    dry_run=options["dry_run"],
                    progress=bar,
                )
                bar.finish()
            except SpreadsheetRefused as exc:
                self.stderr.write(exc.message)
                sys.exit(1)
        counts = row_counts(run)
        failed = plan is not None and plan.has_errors
        if failed:
            for message in plan.error_messages():
                self.stderr.write(str(message))
            self.stderr.write(_("%(counts)s. Nothing was imported.") % {"counts": counts})
            sys.exit(1)
        for warning in plan.warnings if plan else run.report.get("warnings", []):
            self.stderr.write(str(warning))
        done = (
            _("Checked (dry run) %(file)s for %(board)s: %(counts)s.")
            if options["dry_run"]
            else _("Imported %(file)s into %(board)s: %(counts)s.")
        )
        self.stdout.write(done % {"file": path.name, "board": board.name, "counts": counts})


class ExportCommand(LocalizedCommand):
    kind = ""
    help = "Export the board's rows as CSV or XLSX (re-importable)."

    def add_arguments(self, parser):
        parser.add_argument("--board", required=True)
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("-o", "--output", required=True)
        parser.add_argument("--user", help="user whose rights apply (default: first superuser)")

    def handle(self, *args, **options):
        from imports import exporting
        from imports.kinds import get_kind

        board = find_board(options["board"])
        check_may_act(find_user(options.get("user")), board, write=False)
        spec = get_kind(options.get("kind") or self.kind)
        with board_scope([board.pk]):
            qs = spec.export_shape(spec.model.objects.filter(school_board=board))
            content = exporting.render_queryset(spec, qs, options["format"])
        Path(options["output"]).write_bytes(content)
        self.stdout.write(
            _("Exported %(kind)s of %(board)s to %(file)s (%(size)s bytes).")
            % {
                "kind": spec.label,
                "board": board.name,
                "file": options["output"],
                "size": len(content),
            }
        )
