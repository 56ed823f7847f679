"""Form helpers shared by the apps."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.formats import get_format
from django.utils.translation import gettext as _


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
    if re.fullmatch(rf"[+-]?\d{{1,3}}(?:{t}\d{{3}})+(?:{d}\d+)?", text):
        text = text.replace(thousands, "").replace(decimal, ".")
    elif re.fullmatch(rf"[+-]?\d+(?:{d}\d+)?", text):
        text = text.replace(decimal, ".")
    elif re.fullmatch(rf"[+-]?\d+{t}\d+", text):
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
