"""The award-form picker (django-autocomplete-light): a search among the forms instead of a
`<select>` of every conferring organisation's forms."""

from django.urls import reverse
from django.utils.functional import lazy

from clusters.forms.pickers import ModelSelect2, picker_attrs


def award_type_picker():
    return ModelSelect2(
        url=lazy(reverse, str)("awards:award_type_autocomplete"), attrs=picker_attrs(None)
    )
