"""The filters of the organiser's proposals inbox."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusters.forms.pickers import cluster_picker
from clusters.models import Cluster
from emulation.forms import style_form

from ..forms.pickers import award_type_picker
from ..models import PENDING_STATUSES, AwardType, Nomination, NominationStatus

# What the inbox shows when no status is chosen: the nominations waiting for the staff.
PENDING = "pending"

# The cluster has not sent these: they never reach the inbox.
NOT_SENT = (NominationStatus.PROPOSED, NominationStatus.WITHDRAWN)


class InboxFilter(django_filters.FilterSet):
    year = django_filters.ChoiceFilter(
        label=_("Year"), field_name="cluster_year__year", empty_label=_("All years")
    )
    cluster = django_filters.ModelChoiceFilter(
        label=_("Cluster"),
        field_name="cluster_year__cluster",
        queryset=Cluster.objects.none(),
        empty_label=_("All clusters"),
        widget=cluster_picker("kept"),
    )
    award_type = django_filters.ModelChoiceFilter(
        label=_("Award form"),
        queryset=AwardType.objects.none(),
        empty_label=_("All forms"),
        method="filter_award_type",
        widget=award_type_picker(),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), method="filter_status", empty_label=_("Any status")
    )
    warnings = django_filters.BooleanFilter(
        label=_("With rule warnings only"),
        method="filter_warnings",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Nomination
        fields = ["year", "cluster", "award_type", "status", "warnings"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices come from the rows the user decides on, never from the whole table.
        rows = self.queryset
        years = sorted(
            set(rows.values_list("cluster_year__year", flat=True).order_by().distinct()),
            reverse=True,
        )
        self.filters["year"].extra["choices"] = [(y, str(y)) for y in years]
        self.filters["cluster"].queryset = Cluster.objects.filter(
            pk__in=rows.values("cluster_year__cluster_id")
        ).order_by("organizer__name", "kind", "number")
        self.filters["award_type"].queryset = AwardType.objects.filter(
            Q(pk__in=rows.values("award_type_id")) | Q(pk__in=rows.values("granted_type_id"))
        ).order_by("organizer__name", "order", "name")
        self.filters["status"].extra["choices"] = [
            (PENDING, _("Waiting for a decision")),
            *[(value, label) for value, label in NominationStatus.choices if value not in NOT_SENT],
        ]
        style_form(self.form)

    def filter_award_type(self, queryset, name, value):
        return queryset.filter(Q(award_type=value) | Q(granted_type=value))

    def filter_status(self, queryset, name, value):
        if value == PENDING:
            return queryset.filter(status__in=PENDING_STATUSES)
        return queryset.filter(status=value)

    def filter_warnings(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.exclude(warnings="", approval_warnings="")
