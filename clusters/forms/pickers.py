"""Pickers for units and clusters: a search as you type (django-autocomplete-light, select2)
instead of a `<select>` of every one. The field keeps its scoped queryset, which checks what
is posted; only the chosen options are rendered."""

from __future__ import annotations

from dal import autocomplete
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _


def _url(name: str, kwargs: dict, value: str, of: str | None = None) -> str:
    url = reverse(name, kwargs=kwargs)
    query = "&".join(
        part
        for part in (f"value={value}" if value != "pk" else "", f"of={of}" if of else "")
        if part
    )
    return f"{url}?{query}" if query else url


_lazy_url = lazy(_url, str)


class _ChosenOnly:
    """A picker renders the options chosen only, read as one plain list: a field's choices
    read themselves with `QuerySet.iterator()`, on PostgreSQL a cursor of their own declared
    WITH HOLD (a transaction's worth of round trips, its rows copied at commit) for a row or
    two. The same options, the empty one first when the field has one. With nothing chosen,
    the field's scoped queryset is not asked at all (django-autocomplete-light filtered it by
    no ids and iterated it, building and compiling the scope – a union of subqueries – to
    learn that it gives nothing: a millisecond or two per picker). A value that is no key
    shows no option (django-autocomplete-light then left every choice to render)."""

    def filter_choices_to_render(self, selected_choices):
        iterator = self.choices
        if not hasattr(iterator, "queryset"):  # a list of choices, not a model's
            super().filter_choices_to_render(selected_choices)
            return
        chosen_ids = [choice for choice in selected_choices if choice]
        rows = []
        if chosen_ids:
            try:
                rows = list(iterator.queryset.filter(pk__in=chosen_ids))
            except (ValueError, ValidationError):
                pass  # no key: no option
        chosen = [iterator.choice(row) for row in rows]
        if iterator.field.empty_label is not None:
            chosen.insert(0, ("", iterator.field.empty_label))
        self.choices = chosen


class ModelSelect2(_ChosenOnly, autocomplete.ModelSelect2):
    pass


class ModelSelect2Multiple(_ChosenOnly, autocomplete.ModelSelect2Multiple):
    pass


def picker_attrs(placeholder) -> dict:
    return {
        "data-placeholder": placeholder or _("Type to search (without diacritics too)"),
        "data-minimum-input-length": 0,
        "data-allow-clear": "true",
        "class": "form-select",
    }


def unit_picker(scope: str, *, value: str = "pk", multiple=False, placeholder=None):
    """A picker among the organisations of `scope` (see clusters.views.autocomplete)."""
    widget = ModelSelect2Multiple if multiple else ModelSelect2
    return widget(
        url=_lazy_url("structure:organization_autocomplete", {"scope": scope}, value),
        attrs=picker_attrs(placeholder),
    )


def candidate_picker(cluster_year, *, of=None, placeholder=None):
    """The units a cluster-year may take as members; of="parents": those they stand under."""
    url = _lazy_url(
        "structure:candidate_autocomplete",
        {"code": cluster_year.cluster.code, "year": cluster_year.year},
        "pk",
        of,
    )
    return ModelSelect2(url=url, attrs=picker_attrs(placeholder))


def member_picker(cluster_year):
    """A picker among the members of a cluster-year (its head and deputy)."""
    return ModelSelect2(
        url=_lazy_url(
            "structure:member_autocomplete",
            {"code": cluster_year.cluster.code, "year": cluster_year.year},
            "pk",
        ),
        attrs=picker_attrs(None),
    )


def member_list_picker(cluster_year):
    """The same for a field whose choices are a list (preparing next year's head and
    deputy among the drafted members): only the chosen one is rendered."""
    return autocomplete.ListSelect2(
        url=_lazy_url(
            "structure:member_autocomplete",
            {"code": cluster_year.cluster.code, "year": cluster_year.year},
            "pk",
        ),
        attrs=picker_attrs(None),
    )


def cluster_picker(scope: str):
    return ModelSelect2(
        url=_lazy_url("structure:cluster_autocomplete", {"scope": scope}, "pk"),
        attrs=picker_attrs(None),
    )


def picker_url(scope: str, value: str = "code") -> str:
    """The address a template's own picker (an organiser chooser) asks."""
    return _url("structure:organization_autocomplete", {"scope": scope}, value)


def use_picker(field, widget) -> None:
    """Give a form's field a picker once its queryset is set: the new widget takes the
    field's choices (a field hands them to its widget only when its queryset changes)."""
    field.widget = widget
    widget.choices = field.choices
