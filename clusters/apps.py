from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClustersConfig(AppConfig):
    name = "clusters"
    verbose_name = _("Emulation clusters")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .views.accounts import remember_password_duty

        user_logged_in.connect(remember_password_duty, dispatch_uid="clusters.password_duty")

        # The closed-over tree follows every change of the dated one.
        from django.db.models.signals import post_delete, post_save

        from .models import Organization, ParentPeriod
        from .models.tree import link_new_organization, relink_period

        post_save.connect(relink_period, sender=ParentPeriod, dispatch_uid="clusters.relink")
        post_delete.connect(relink_period, sender=ParentPeriod, dispatch_uid="clusters.unlink")
        post_save.connect(
            link_new_organization, sender=Organization, dispatch_uid="clusters.link_new"
        )

        # A programme's scoring table kept by a process is read again after any change.
        from django.db.models.signals import pre_save

        from .models import (
            ClassificationRule,
            Criterion,
            EmulationProgram,
            Indicator,
            ScoreSection,
        )
        from .models.results import program_saved, table_changed, table_changing

        for model in (ScoreSection, Criterion, ClassificationRule, Indicator):
            pre_save.connect(table_changing, sender=model, dispatch_uid=f"table.p.{model}")
            post_save.connect(table_changed, sender=model, dispatch_uid=f"table.{model}")
            post_delete.connect(table_changed, sender=model, dispatch_uid=f"table.d.{model}")
        post_save.connect(program_saved, sender=EmulationProgram, dispatch_uid="table.program")

        # The rights kept in sessions are read again after any change they depend on.
        from django.db.models.signals import m2m_changed

        from .models import Cluster, Officer
        from .permissions import rights_changed

        # A cluster's organiser is among what is remembered of the clusters a user keeps.
        for model in (Officer, Organization, ParentPeriod, Cluster):
            post_save.connect(rights_changed, sender=model, dispatch_uid=f"rights.{model}")
            post_delete.connect(rights_changed, sender=model, dispatch_uid=f"rights.d.{model}")
        m2m_changed.connect(
            rights_changed, sender=Organization.successors.through, dispatch_uid="rights.succ"
        )
