from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClustersConfig(AppConfig):
    name = "clusters"
    verbose_name = _("Emulation clusters")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .views.accounts import remember_password_duty

        user_logged_in.connect(remember_password_duty, dispatch_uid="clusters.password_duty")
