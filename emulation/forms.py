"""Form helpers shared by the apps."""

from django import forms


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
