"""Overview cards on the home page; each app contributes `<app>.dashboard.cards(access)`."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

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
