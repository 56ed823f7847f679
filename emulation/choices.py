"""`get_FOO_display()` without translating every choice on every call.

Django's `Model._get_FIELD_display` builds `dict(make_hashable(field.flatchoices))` on each
call: hashing the choices hashes their lazy labels, which translates every one of them. A
status column of 50 rows with 11 statuses translated 1,100 labels, twice (django-tables2
asks for the display before the column's `render_…` asks again) – a tenth of an inbox page.
The labels of a field are the same for a language, so they are read once per field and
language; the value shown is what Django's method gives."""

from __future__ import annotations

from functools import partialmethod

from django.db.models import Model
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

_LABELS: dict[tuple, dict] = {}
_MISSING = object()


def _labels(field) -> dict:
    key = (field, get_language())
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = {
            make_hashable(value): force_str(label, strings_only=True)
            for value, label in field.flatchoices
        }
    return labels


def _get_field_display(self, field):
    value = getattr(self, field.attname)
    label = _labels(field).get(make_hashable(value), _MISSING)
    return force_str(value, strings_only=True) if label is _MISSING else label


def remember_choice_labels(models) -> int:
    """Give the fields with fixed choices of `models` the remembering `get_FOO_display`;
    a model's own `get_FOO_display` is left alone. The number of methods replaced."""
    replaced = 0
    for model in models:
        for field in model._meta.concrete_fields:
            # Choices given by a callable may change: those keep Django's method.
            if not field.choices or isinstance(field.choices, CallableChoiceIterator):
                continue
            name = f"get_{field.name}_display"
            current = model.__dict__.get(name)
            if isinstance(current, partialmethod) and current.func is Model._get_FIELD_display:
                setattr(model, name, partialmethod(_get_field_display, field=field))
                replaced += 1
    return replaced
