"""Template helpers shared by every app."""

from decimal import Decimal

from django import template

from emulation.tables import td_attributes
from emulation.text import format_number

register = template.Library()


@register.filter
def num(value, arg=None):
    """A figure in the active language's format: `|num` (no trailing zeros), `|num:1` (one
    decimal place), `|num:"signed"` (with + for gains)."""
    if value is None or value == "":
        return ""
    if arg == "signed":
        text = format_number(value)
        return f"+{text}" if Decimal(value) > 0 else text
    return format_number(value, None if arg is None else int(arg))


@register.filter
def person(user, default="–"):
    """A user as people know them: the full name, the login name only when none is kept."""
    if not user:
        return default
    return user.get_full_name() or user.get_username()


@register.simple_tag(takes_context=True)
def page_query(context, number, param="page"):
    """The current query string with `param` set to `number` – for a page holding several
    paginated lists, each with its own parameter (`?units=2&years=3`)."""
    params = context.request.GET.copy()
    params[param] = number
    return f"?{params.urlencode()}"


@register.filter
def td_attrs(bound_column):
    """A list cell's `<td>` attributes, worked out once per column (`td_attributes`)."""
    return td_attributes(bound_column)
