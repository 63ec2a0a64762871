"""Named read shapes for funding (no N+1 on lists, details, checks or documents)."""

from django.db import models
from django.db.models import Count, Prefetch


class ProgrammeQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("land").annotate(ruleset_count=Count("rulesets"))

    def for_detail(self):
        return self.select_related("land")


class RuleSetQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("programme")


class CatalogueQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("land")

    def for_land(self, land_id):
        return self.filter(is_active=True).filter(
            models.Q(land__isnull=True) | models.Q(land_id=land_id)
        )


class BudgetQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("programme", "school_board", "ruleset")

    def for_detail(self):
        return self.select_related("programme", "school_board", "ruleset")


class ApplicationQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("programme", "school_board", "ruleset")

    def for_detail(self):
        return self.select_related(
            "programme", "school_board__land", "ruleset", "content_checked_by"
        )

    def for_check(self):
        """Everything the rule check needs (lines, schools, rooms' network flags)."""
        from .models import ApplicationSchool, CostLine

        return self.select_related("programme", "school_board__land", "ruleset").prefetch_related(
            Prefetch(
                "lines",
                queryset=CostLine.objects.select_related("school", "catalogue_item").order_by(
                    "position"
                ),
            ),
            Prefetch(
                "schools",
                queryset=ApplicationSchool.objects.select_related("school", "site").order_by(
                    "school__name"
                ),
            ),
        )

    def for_document(self):
        """The package: what the check needs, plus each line's need from the media concept."""
        from .models import ApplicationSchool, CostLine

        return self.select_related("programme", "school_board__land", "ruleset").prefetch_related(
            Prefetch(
                "lines",
                queryset=CostLine.objects.select_related(
                    "school", "catalogue_item", "need"
                ).order_by("position"),
            ),
            Prefetch(
                "schools",
                queryset=ApplicationSchool.objects.select_related("school", "site").order_by(
                    "school__name"
                ),
            ),
        )


class ApplicationSchoolQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("application", "school", "site")

    def for_detail(self):
        return self.select_related("application__programme", "school", "site")


class CostLineQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("application", "school", "catalogue_item")

    def for_detail(self):
        return self.for_list()


class DecisionQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("application", "decided_by", "school_board")

    def for_detail(self):
        return self.select_related(
            "application__programme", "application__school_board", "decided_by", "supersedes"
        )

    def for_document(self):
        """The notice: authority, addressee, rule set and the lines with their schools."""
        from .models import CostLine

        return self.select_related(
            "application__programme",
            "application__ruleset",
            "application__school_board__land",
            "authority",
            "decided_by",
            "supersedes",
        ).prefetch_related(
            Prefetch(
                "application__lines",
                queryset=CostLine.objects.select_related("school").order_by("position"),
            )
        )


class PayoutQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("application", "school_board")

    def for_detail(self):
        return self.select_related("application__programme", "school_board").prefetch_related(
            "invoices__cost_line__school"
        )


class InvoiceQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("application", "cost_line__school", "payout")

    def for_detail(self):
        return self.for_list()


class ProofQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("application", "school_board")

    def for_detail(self):
        return self.select_related(
            "application__programme", "application__ruleset", "school_board", "checked_by"
        )
