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

        from . import services

        if services.closing_gaps not in HOOKS["closing_gaps"]:
            HOOKS["closing_gaps"].append(services.closing_gaps)
        if services.attendance_frozen not in HOOKS["attendance_frozen"]:
            HOOKS["attendance_frozen"].append(services.attendance_frozen)
