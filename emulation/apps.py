from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmulationConfig(AppConfig):
    name = "emulation"
    verbose_name = _("Emulation")

    def ready(self):
        from django.apps import apps
        from django.contrib.auth.signals import user_logged_in

        from .choices import remember_choice_labels
        from .forms import install_input_rules
        from .middleware import start_activity
        from .tables import remember_cell_signatures

        install_input_rules()
        remember_cell_signatures()
        remember_choice_labels(apps.get_models())
        user_logged_in.connect(start_activity, dispatch_uid="emulation.start_activity")
