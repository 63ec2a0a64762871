"""Named query shapes of procurement (for_list, for_detail, for_document)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q


class ContractQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("supplier", "cooperative")

    def for_detail(self):
        return self.for_list().prefetch_related("lots", "price_lists")

    def valid_on(self, day: dt.date):
        return self.filter(valid_from__lte=day).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )


class PriceListQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date):
        return self.filter(valid_from__lte=day).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )


class JointOrderQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("contract__supplier", "lot", "cooperative")

    def for_detail(self):
        return self.for_list()

    def for_document(self):
        return self.for_list()


class CallOffQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related(
            "school_board", "school", "contract__supplier", "cost_line", "joint_order"
        )

    def for_detail(self):
        return self.for_list().prefetch_related("lines__item")


class CallOffLineQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("call_off__school", "call_off__school_board", "item")

    def for_detail(self):
        return self.for_list()


class DeliveryNoteQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("call_off__school", "school_board")

    def for_detail(self):
        return self.for_list().prefetch_related("lines__order_line")

    def for_document(self):
        return self.for_detail()


class DeliveryNoteLineQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("note__call_off__school", "order_line")

    def for_detail(self):
        return self.for_list()


class SupplierInvoiceQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("supplier", "school_board", "payout")

    def for_detail(self):
        return self.for_list().prefetch_related("lines__order_line__call_off")


class InvoiceLineQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("invoice__supplier", "order_line__call_off")

    def for_detail(self):
        return self.for_list()
