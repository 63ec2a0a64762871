"""The base of every Paktwerk management command: its output speaks one language.

Django runs commands without activating a language, so gettext falls back to
LANGUAGE_CODE while hand-written f-strings stay English — an English summary under
German row errors. Every command of ours subclasses `LocalizedCommand` instead: all of its
output (messages, summaries, row errors, CommandErrors) is in `--language` (default
settings.LANGUAGE_CODE, German). `--help` texts stay English: they document the tool for
operators, like the code, and argparse builds them before the language is known.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class LocalizedMixin:
    """Adds `--language` and runs the command with that language active."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--language",
            choices=language_codes(),
            default=None,
            help="Language of the output (default: settings.LANGUAGE_CODE).",
        )
        return parser

    def execute(self, *args, **options):
        language = options.get("language") or settings.LANGUAGE_CODE
        with translation.override(language):
            return super().execute(*args, **options)


class LocalizedCommand(LocalizedMixin, BaseCommand):
    """`BaseCommand` whose output is in `--language` (default: the project's language)."""
