from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    """Award forms and rules, the review meeting's vote and its nominations; proposals and
    decisions come with the approval issue."""

    name = "awards"
    verbose_name = _("Awards")

    def ready(self):
        # The review meeting (clusters) asks the vote before it closes and before the
        # attendance changes, without importing this app.
        from clusters.services.meetings import HOOKS
        from clusters.views.autocomplete import ORGANIZATION_SCOPES

        from .permissions import conferring_organizers
        from .services import votes
        from .services.year_state import submitted_year_state

        # The decision's organiser picker: the organisations whose forms the user confers.
        ORGANIZATION_SCOPES["conferring"] = conferring_organizers

        if votes.closing_gaps not in HOOKS["closing_gaps"]:
            HOOKS["closing_gaps"].append(votes.closing_gaps)
        if votes.attendance_frozen not in HOOKS["attendance_frozen"]:
            HOOKS["attendance_frozen"].append(votes.attendance_frozen)
        if submitted_year_state not in HOOKS["year_state"]:
            HOOKS["year_state"].append(submitted_year_state)
