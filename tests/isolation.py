"""The isolation matrix: every actor × every board-owned model × every channel.

Each app registers its models in `tests/<app>/isolation_cases.py` as a list
`CASES` of IsolationCase. tests/test_isolation_matrix.py collects them all and
checks, for every actor (each role, a user of another board, a user with no
membership, anonymous):

- UI list / API list: 200 for logged-in users, and the marker planted in the
  other board's row never appears;
- UI detail, UI edit, API detail, API write, PDF of the *other* board's row:
  404 (never 403), and the row is unchanged;
- the same channels on the user's *own* row: the expected status by role
  (readers 200; writers may edit; reviewers read-only → 403 on writes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

READERS_DEFAULT = ("board_admin", "board_staff", "consultant", "reviewer")
WRITERS_DEFAULT = ("board_admin", "board_staff", "consultant")


@dataclass(frozen=True)
class IsolationCase:
    """How to build one board-owned object and reach it through each channel.

    make(world, side, marker) builds an object in world.board (side="own") or
    world.other_board (side="other") whose list row / detail page / PDF shows
    `marker`. Every URL callable gets the object; None means "no such channel".
    """

    name: str
    make: Callable
    list_url: Callable | None = None
    detail_url: Callable | None = None
    edit_url: Callable | None = None
    edit_post: Callable | None = None  # obj -> form data for a valid POST to edit_url
    api_list_url: Callable | None = None
    api_detail_url: Callable | None = None
    api_write: Callable | None = None  # obj -> PATCH payload
    pdf_url: Callable | None = None
    readers: tuple[str, ...] = READERS_DEFAULT + ("school_staff",)
    writers: tuple[str, ...] = WRITERS_DEFAULT
    #: channels where the marker is not shown (e.g. a list that only shows counts)
    marker_in_list: bool = True
    extra_urls: dict[str, Callable] = field(default_factory=dict)  # more GET pages per object
    #: bulk actions: (own, foreign) -> [("web" | "api", url, data)] posting one selection
    #: with both ids; a row the actor may not write must stay unchanged
    bulk_posts: Callable | None = None

    def __str__(self) -> str:
        return self.name


def fingerprint(obj) -> tuple:
    """What must not change when a foreign write is refused."""
    fresh = type(obj)._base_manager.get(pk=obj.pk)
    return (getattr(fresh, "version", None), getattr(fresh, "updated_at", None))
