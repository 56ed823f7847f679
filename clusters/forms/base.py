"""What every form of the clusters screens shares: dd/mm/yyyy dates, the reason kept in
the history, Bootstrap styling and organisations labelled by their names as of the day."""

from django import forms
from django.utils.translation import gettext_lazy as _

from emulation.forms import style_form


def date_widget():
    """Dates typed as the offices write them, dd/mm/yyyy, whatever the browser's language
    (a native date picker would follow the browser and turn 01/02 into 2 January)."""
    return forms.DateInput(
        format="%d/%m/%Y",
        attrs={"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric", "autocomplete": "off"},
    )


def reason_field(label=None):
    return forms.CharField(
        label=label or _("Reason for the change"),
        max_length=200,
        help_text=_("Kept in the history with your name and the time."),
    )


class StyledForm:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = date_widget()
        style_form(self)


class OrganizationLabelMixin:
    """Organisation choices print the name and the kind, e.g. for two wards of one name."""

    @staticmethod
    def label(org):
        return f"{org.name} ({org.get_kind_display()})"

    def label_choices(self, *names):
        for name in names:
            self.fields[name].label_from_instance = self.label
