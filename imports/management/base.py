"""Shared code of the import/export commands: board by code, progress bar, exit codes."""

from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

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
        raise CommandError(f"Schulträger '{code}' not found (use its id, key or exact name).")
    return board


def find_user(username: str | None):
    User = get_user_model()  # noqa: N806
    if username:
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"user '{username}' not found")
    user = User.objects.filter(is_superuser=True).order_by("pk").first()
    if user is None:
        raise CommandError("no --user given and no superuser exists to record as importer")
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
        verb = "import into" if write else "export from"
        raise CommandError(f"user '{user.username}' may not {verb} Schulträger '{board.name}'.")


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


class ImportCommand(BaseCommand):
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
            raise CommandError(f"{path}: no such file")
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
        counts = (
            f"{run.rows_total} rows: {run.rows_new} new, {run.rows_changed} changed, "
            f"{run.rows_unchanged} unchanged, {run.rows_error} with errors"
        )
        failed = plan is not None and plan.has_errors
        if failed:
            for message in plan.error_messages():
                self.stderr.write(message)
            self.stderr.write(f"{counts}. Nothing was imported.")
            sys.exit(1)
        for warning in plan.warnings if plan else run.report.get("warnings", []):
            self.stderr.write(warning)
        verb = "Checked (dry run)" if options["dry_run"] else "Imported"
        self.stdout.write(f"{verb} {path.name} into {board.name}: {counts}.")


class ExportCommand(BaseCommand):
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
            f"Exported {spec.name} of {board.name} to {options['output']} ({len(content)} bytes)."
        )
