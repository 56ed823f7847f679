"""Form helpers shared by the apps."""

import datetime
import re
from decimal import Decimal, InvalidOperation
from functools import wraps

from django import forms
from django.forms import renderers
from django.forms.renderers import BaseRenderer
from django.template import TemplateDoesNotExist
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from markupsafe import escape

from .text import format_number

# Years a date typed into any form may have: the union's records, past and planned.
FIRST_YEAR, LAST_YEAR = 1900, 2100

# A number as the offices type it: ASCII digits, the Vietnamese or plain separators, a sign.
# Python itself would also take "1_000" and full-width or other scripts' digits.
_TYPED_NUMBER = re.compile(r"[+-]?[0-9][0-9.,\u00a0 ]*|[+-]?[.,][0-9]+", re.ASCII)


def _check_typed_number(value):
    if isinstance(value, str) and value.strip():
        if not _TYPED_NUMBER.fullmatch(value.strip()):
            raise forms.ValidationError(
                _('Not a number: "%(value)s".') % {"value": value.strip()[:30]}, code="invalid"
            )


def _check_year(value):
    day = value.date() if isinstance(value, datetime.datetime) else value
    if isinstance(day, datetime.date) and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise forms.ValidationError(
            _("Enter a date between the years %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="year_out_of_range",
        )


def install_input_rules():
    """Rules for what anyone may type into any form of the application, the admin included
    (called once from EmulationConfig.ready): numbers in ASCII digits with the Vietnamese or
    plain separators only, and dates within FIRST_YEAR–LAST_YEAR – so that no typed value
    reaches a service it would overflow (01/01/0001 minus a day)."""
    if getattr(forms.Field, "_emulation_input_rules", False):
        return
    forms.Field._emulation_input_rules = True
    for field_class in (forms.IntegerField, forms.DecimalField, forms.FloatField):
        original = field_class.__dict__.get("to_python")
        if original is None:
            continue

        def to_python(self, value, _original=original):
            _check_typed_number(value)
            return _original(self, value)

        field_class.to_python = wraps(original)(to_python)
    for field_class in (forms.DateField, forms.DateTimeField):
        original = field_class.to_python

        def to_python(self, value, _original=original):
            value = _original(self, value)
            _check_year(value)
            return value

        field_class.to_python = wraps(original)(to_python)


def style_form(form):
    """Give every widget its Bootstrap class; labelled fields stay keyboard-friendly."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
    return form


def parse_figure(raw: str) -> Decimal | None:
    """A figure typed as the offices write it in the active language – Vietnamese "1.234",
    "1.234.567", "95,5", "1.234,5" – or as a plain number. A lone separator that cannot group
    thousands ("12.5" in Vietnamese) is read as the decimal point, as Django's own fields do.
    Blank is None; anything else raises ValidationError."""
    text = (raw or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    decimal, thousands = get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR")
    d, t = re.escape(decimal), re.escape(thousands)
    if re.fullmatch(rf"[+-]?\d{{1,3}}(?:{t}\d{{3}})+(?:{d}\d+)?", text, re.ASCII):
        text = text.replace(thousands, "").replace(decimal, ".")
    elif re.fullmatch(rf"[+-]?\d+(?:{d}\d+)?", text, re.ASCII):
        text = text.replace(decimal, ".")
    elif re.fullmatch(rf"[+-]?\d+{t}\d+", text, re.ASCII):
        text = text.replace(thousands, ".")
    else:
        raise forms.ValidationError(_('Not a number: "%(value)s".') % {"value": raw.strip()[:30]})
    try:
        return Decimal(text)
    except InvalidOperation as error:
        raise forms.ValidationError(
            _('Not a number: "%(value)s".') % {"value": raw.strip()[:30]}
        ) from error


class FigureField(forms.DecimalField):
    """A decimal typed as the offices write it (Vietnamese "1.234", "95,5", "1.234,5")."""

    def to_python(self, value):
        if isinstance(value, str):
            return parse_figure(value)
        return super().to_python(value)

    def prepare_value(self, value):
        # A stored figure is shown as it was typed: grouped (1.500.000), not 1500000.
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
            return format_number(value)
        return super().prepare_value(value)


class FormRenderer(BaseRenderer):
    """Django's form templates in Jinja2 where Django ships them (every built-in widget and
    form layout), else in Django's template language (the widgets of django-filter and
    django-autocomplete-light). A scoring form draws about 150 widgets, each through three
    nested templates: in Django's template language that was 40 of its 130 ms."""

    def __init__(self):
        self.jinja2 = renderers.Jinja2()
        self.django = renderers.DjangoTemplates()
        self.not_in_jinja2: set[str] = set()  # Jinja2 does not remember what it did not find

    def get_template(self, template_name):
        if template_name not in self.not_in_jinja2:
            try:
                return self.jinja2.get_template(template_name)
            except TemplateDoesNotExist:
                self.not_in_jinja2.add(template_name)
        return self.django.get_template(template_name)


# Widgets drawn without a template -------------------------------------------------------------


def _attributes(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, ` name` for True, nothing for False."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class DirectDrawn:
    """A widget drawn in Python as Django's own template draws it (the same HTML), for a
    form of a hundred fields: a scoring form drew 105 widgets through the template engine in
    about 6 ms. Its context is Django's (`get_context`); only the drawing differs."""

    def render(self, name, value, attrs=None, renderer=None):
        return mark_safe(self.draw(self.get_context(name, value, attrs)["widget"]))


class DirectTextInput(DirectDrawn, forms.TextInput):
    @staticmethod
    def draw(widget) -> str:
        value = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
        shown = _attributes(widget["attrs"])
        return f'<input type="{widget["type"]}" name="{escape(widget["name"])}"{value}{shown}>'


class DirectCheckboxInput(DirectDrawn, forms.CheckboxInput):
    draw = staticmethod(DirectTextInput.draw)


class DirectTextarea(DirectDrawn, forms.Textarea):
    @staticmethod
    def draw(widget) -> str:
        value = escape(widget["value"]) if widget["value"] else ""
        shown = _attributes(widget["attrs"])
        return f'<textarea name="{escape(widget["name"])}"{shown}>\n{value}</textarea>'


class DirectSelect(DirectDrawn, forms.Select):
    """django/forms/widgets/select.html and select_option.html, as the Jinja2 templates the
    renderer uses draw them: a scoring form's qualifier of each indicator, 17 selects of
    four options each, drew 400 templates."""

    @staticmethod
    def draw(widget) -> str:
        parts = [f'<select name="{escape(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{escape(group_name)}">')
            for option in group_choices:
                parts.append(
                    f'\n  <option value="{escape(option["value"])}"'
                    f"{_attributes(option['attrs'])}>{escape(option['label'])}</option>"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return "".join(parts)
