"""Render a concept's plain text safely: paragraphs and simple lists, everything escaped."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")


def render_plain(text: str | None) -> str:
    """Blank lines separate paragraphs; lines starting with "- " / "* " form a bullet list,
    "1. " a numbered list; single line breaks inside a paragraph become <br>. No HTML passes
    through: every piece of text is escaped."""
    if not text:
        return ""
    out: list[str] = []
    paragraph: list[str] = []
    list_kind: str | None = None
    items: list[str] = []

    def flush_paragraph():
        if paragraph:
            out.append("<p>" + "<br>".join(escape(p) for p in paragraph) + "</p>")
            paragraph.clear()

    def flush_list():
        nonlocal list_kind
        if list_kind:
            tag = "ul" if list_kind == "ul" else "ol"
            out.append(f"<{tag}>" + "".join(f"<li>{escape(i)}</li>" for i in items) + f"</{tag}>")
            items.clear()
            list_kind = None

    for line in str(text).replace("\r\n", "\n").split("\n"):
        bullet, numbered = _BULLET.match(line), _NUMBERED.match(line)
        if bullet or numbered:
            kind = "ul" if bullet else "ol"
            flush_paragraph()
            if list_kind and list_kind != kind:
                flush_list()
            list_kind = kind
            items.append((bullet or numbered).group(1).strip())
        elif not line.strip():
            flush_paragraph()
            flush_list()
        else:
            flush_list()
            paragraph.append(line.strip())
    flush_paragraph()
    flush_list()
    return "".join(out)


@register.filter
def plaintext(text):
    return mark_safe(render_plain(text))  # noqa: S308 - every fragment is escaped above


@register.filter
def get_item(mapping, key):
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def iso_datetime(value):
    """An ISO timestamp string (stored in JSON snapshots) as dd.mm.yyyy HH:MM."""
    import datetime as dt

    from core.formatting import format_datetime

    if not value:
        return ""
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return ""
    return format_datetime(parsed)
