"""The award-form picker of the inbox and the register: a search among the forms of the
organisations the user reads (there are as many forms as conferring organisations), without
diacritics: "co thi dua" finds "Cờ thi đua"."""

from __future__ import annotations

from django.db.models import Q

from clusters.models import Organization
from clusters.permissions import organizations_for
from clusters.views.autocomplete import _Search
from emulation.text import fold

from ..models import AwardType


class AwardTypeAutocomplete(_Search):
    def get_queryset(self):
        qs = AwardType.objects.filter(
            organizer__in=organizations_for(self.request.user)
        ).select_related("organizer")
        if self.q:
            qs = qs.filter(
                Q(search_text__contains=fold(self.q))
                | Q(organizer__in=Organization.objects.search(self.q))
            )
        return qs.order_by("organizer__name", "order", "name")

    def get_result_label(self, result):
        return f"{result.label} – {result.organizer.name}"
