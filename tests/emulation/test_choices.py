"""`get_FOO_display()` reads a field's labels once per language (emulation/choices.py) and
shows what Django's own method shows."""

from unittest import mock

import pytest
from django.apps import apps
from django.db.models import Model
from django.utils import translation
from django.utils.translation import trans_real

from awards.models import Nomination, NominationStatus


def _choice_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.choices:
                yield model, field


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_choice_field_shows_what_djangos_method_shows(language):
    checked = 0
    with translation.override(language):
        for model, field in _choice_fields():
            instance = model()
            values = [value for value, _label in field.flatchoices] + ["no-such-value", None]
            for value in values:
                setattr(instance, field.attname, value)
                ours = getattr(instance, f"get_{field.name}_display")()
                djangos = Model._get_FIELD_display(instance, field)
                assert ours == djangos, (model, field.name, value)
                assert type(ours) is type(djangos)
                checked += 1
    assert checked > 100


def test_a_status_shown_fifty_times_translates_its_labels_once():
    nomination = Nomination(status=NominationStatus.APPROVED)
    field = Nomination._meta.get_field("status")

    def translations(show) -> int:
        with (
            mock.patch.object(trans_real, "gettext", wraps=trans_real.gettext) as gettext,
            mock.patch.object(trans_real, "pgettext", wraps=trans_real.pgettext) as pgettext,
        ):
            show()
        return gettext.call_count + pgettext.call_count

    with translation.override("vi"):
        nomination.get_status_display()  # the labels of this language, read once
        # What this counts: Django's own method translates every label on every call.
        assert translations(lambda: Model._get_FIELD_display(nomination, field)) >= len(
            field.flatchoices
        )
        shown = set()
        assert (
            translations(lambda: shown.update(nomination.get_status_display() for _ in range(50)))
            == 0
        )
    assert shown == {"Đã duyệt"}
