"""Overview cards on the home page; each app contributes `<app>.dashboard.cards(access)`."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

DASHBOARD_APPS = ("schools", "mediaplans", "devices", "funding")


@dataclass(frozen=True)
class Card:
    """One key figure: a label, a number, a link to the list behind it, a hint."""

    label: str
    value: int | str
    url: str = ""
    hint: str = ""
    tone: str = "info"  # info | success | warning | danger


def dashboard_cards(access) -> list[Card]:
    cards: list[Card] = []
    if access.is_anonymous or not access.board_ids:
        return cards
    for app in DASHBOARD_APPS:
        try:
            module = importlib.import_module(f"{app}.dashboard")
        except ModuleNotFoundError:
            continue
        cards.extend(module.cards(access))
    return cards


# --- To-do first (issue 15, point 3) ---------------------------------------------------
# core knows no domain app: apps above it register providers that say what needs the
# user (notifications.todo registers them in its AppConfig.ready()).


@dataclass(frozen=True)
class TodoItem:
    """One thing that needs the user, with its due date (None: no date)."""

    label: str
    url: str
    due: date | None = None
    hint: str = ""


@dataclass(frozen=True)
class TodoGroup:
    """A named list of to-do items; `url` opens the whole list (its count is the same)."""

    key: str
    label: str
    items: list[TodoItem] = field(default_factory=list)
    url: str = ""

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def first_due(self) -> date | None:
        return min((i.due for i in self.items if i.due), default=None)


TodoProvider = Callable[[object, object], list[TodoGroup]]
_TODO_PROVIDERS: list[TodoProvider] = []


def register_todo_provider(provider: TodoProvider) -> TodoProvider:
    if provider not in _TODO_PROVIDERS:
        _TODO_PROVIDERS.append(provider)
    return provider


def todo_groups(access, user) -> list[TodoGroup]:
    """Every non-empty group of every provider, the most urgent first."""
    if access.is_anonymous:
        return []
    groups = [g for provider in _TODO_PROVIDERS for g in provider(access, user) if g.items]
    return sorted(groups, key=lambda g: (g.first_due is None, g.first_due or date.max, g.key))
