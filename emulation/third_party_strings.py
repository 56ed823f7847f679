"""Strings of the libraries we use that ship no Vietnamese: listed here so that
`make messages` puts them in our catalogue, which Django consults first (LOCALE_PATHS)."""

from django.utils.translation import gettext_noop

STRINGS = [
    # django-tables2's pagination
    gettext_noop("previous"),
    gettext_noop("next"),
]
