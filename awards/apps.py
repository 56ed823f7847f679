from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    """Award forms, votes, proposals and decisions: built on `clusters`, filled by later issues."""

    name = "awards"
    verbose_name = _("Awards")
