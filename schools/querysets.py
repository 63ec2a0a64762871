"""Named read shapes for the registry (no N+1 on lists, details or documents)."""

from django.db import models
from django.db.models import Count


class BoardQuerySet(models.QuerySet):
    def for_list(self):
        return (
            self.select_related("land")
            .annotate(school_count=Count("schools_school", distinct=True))
            .order_by("name")
        )

    def for_detail(self):
        return self.select_related("land")


class SchoolQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("school_board", "land")

    def for_detail(self):
        return self.select_related("school_board", "land")

    def for_document(self):
        return self.select_related("school_board", "land").prefetch_related("sites", "rooms")


class SiteQuerySet(models.QuerySet):
    def for_list(self):
        return (
            self.select_related("school", "school_board")
            .annotate(room_count=Count("rooms", distinct=True))
            .order_by("school__name", "name")
        )

    def for_detail(self):
        return self.select_related("school", "school_board")


class RoomQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("site", "school", "school_board")

    def for_detail(self):
        return self.select_related("site", "school", "school_board")
