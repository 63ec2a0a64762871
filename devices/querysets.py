"""Named read shapes of the device inventory (no N+1 on lists, details or documents)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone


class DeviceModelQuerySet(models.QuerySet):
    def for_list(self):
        return self.annotate(device_count=Count("devices")).order_by("manufacturer", "name")

    def for_detail(self):
        return self


class DeviceQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("school", "room", "model", "cost_line__application").order_by(
            "inventory_number"
        )

    def for_detail(self):
        return self.select_related(
            "school", "room", "model", "delivery", "school_board", "cost_line__application"
        )

    def for_document(self):
        return self.select_related("school", "room", "model", "school_board").order_by(
            "inventory_number"
        )

    def overdue(self, today: dt.date | None = None):
        from .models import LoanItem

        today = today or timezone.localdate()
        return self.filter(
            Exists(
                LoanItem.objects.filter(
                    device=OuterRef("pk"),
                    is_open=True,
                    loan__status="handed_out",
                    loan__due_date__lt=today,
                )
            )
        )

    def warranty_ending_within(self, days: int, today: dt.date | None = None):
        today = today or timezone.localdate()
        return self.filter(
            warranty_end__gte=today, warranty_end__lte=today + dt.timedelta(days=days)
        )


class DeliveryQuerySet(models.QuerySet):
    def for_list(self):
        return (
            self.select_related("school", "model")
            .annotate(device_count=Count("devices"))
            .order_by("-delivered_on", "-id")
        )

    def for_detail(self):
        return self.select_related("school", "model", "school_board", "handed_over_by")

    def for_document(self):
        from .models import Device

        return self.select_related(
            "school", "model", "school_board", "handed_over_by"
        ).prefetch_related(
            Prefetch(
                "devices",
                queryset=Device.objects.select_related("model", "room").order_by(
                    "inventory_number"
                ),
            )
        )


def _items_prefetch():
    from .models import LoanItem

    return Prefetch(
        "items",
        queryset=LoanItem.objects.select_related("device", "device__model")
        .prefetch_related("accessories", "missing_accessories")
        .order_by("id"),
    )


class LoanQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=("prepared", "signed", "handed_out"))

    def overdue(self, today: dt.date | None = None):
        today = today or timezone.localdate()
        return self.filter(status="handed_out", due_date__lt=today)

    def for_list(self):
        return (
            self.select_related("school")
            .annotate(device_count=Count("items"))
            .order_by("-start_date", "-id")
        )

    def for_detail(self):
        return self.select_related("school", "school_board", "handed_out_by").prefetch_related(
            _items_prefetch()
        )

    def for_document(self):
        return self.for_detail()

    def counts_by_school(self, today: dt.date | None = None):
        """Aggregates without names (what reviewers and reports may see)."""
        today = today or timezone.localdate()
        return (
            self.values("school_board__name", "school__name")
            .annotate(
                open=Count("id", filter=Q(status__in=("prepared", "signed", "handed_out"))),
                handed_out=Count("id", filter=Q(status="handed_out")),
                overdue=Count("id", filter=Q(status="handed_out", due_date__lt=today)),
                returned=Count("id", filter=Q(status="returned")),
                pupils=Count("id", filter=Q(borrower_kind="pupil")),
                teachers=Count("id", filter=Q(borrower_kind="teacher")),
            )
            .order_by("school_board__name", "school__name")
        )


class DefectQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("device", "device__school").order_by("-reported_on", "-id")

    def for_detail(self):
        return self.select_related(
            "device",
            "device__school",
            "device__model",
            "loan",
            "replacement_device",
            "reported_by",
            "school_board",
        )


class StocktakeQuerySet(models.QuerySet):
    def for_list(self):
        return (
            self.select_related("school", "room")
            .annotate(entry_count=Count("entries"))
            .order_by("-started_on", "-id")
        )

    def for_detail(self):
        return self.select_related("school", "room", "school_board", "started_by")

    def for_document(self):
        return self.for_detail()
