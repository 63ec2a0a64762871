"""Notifications in the isolation matrix: a notification is its recipient's alone.

The own board's notification belongs to its board admin, the other board's to the
other board's admin: every other actor (colleagues of the same board, reviewers,
school staff) gets 404 and never sees the marker.
"""

from django.urls import reverse

from notifications.choices import Kind
from notifications.models import Notification
from tests.isolation import IsolationCase


def make_notification(world, side, marker):
    own = side == "own"
    return Notification.objects.create(
        recipient=world.user("board_admin" if own else "other_board_admin"),
        school_board=world.board if own else world.other_board,
        kind=Kind.PAID,
        params={"object": marker},
        url="/",
        dedupe_key=f"isolation:{marker}",
    )


CASES = [
    IsolationCase(
        name="notifications.Notification",
        make=make_notification,
        list_url=lambda o: reverse("notifications:inbox"),
        api_list_url=lambda o: reverse("notification-list"),
        api_detail_url=lambda o: reverse("notification-detail", args=[o.pk]),
        readers=("board_admin",),
        writers=(),
    ),
]
