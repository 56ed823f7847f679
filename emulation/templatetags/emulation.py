"""Template helpers shared by every app."""

from decimal import Decimal

from django import template
from django.template.base import render_value_in_context
from django.templatetags.l10n import localize, unlocalize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from emulation import links
from emulation.tables import cell_maker, td_attributes
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


@register.simple_tag
def link(viewname, *args):
    """`{% url %}` for the links a list prints row by row (`emulation.links.link`): the same
    text, without matching the URL patterns again for each row."""
    return links.link(viewname, *args)


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


@register.simple_tag(takes_context=True)
def table_rows(context, table):
    """The rows of a list's table (its page), as django-tables2's Bootstrap template draws
    them – each row's attributes, each cell with its column's `<td>` attributes (worked out
    once per column, `td_attributes`; the cell itself by `cell_maker`) and localized as the
    column asks –, drawn here rather than by two nested template loops: 50 rows of 12 cells
    cost the template language a block, a loop step and three lookups per cell."""
    rows = []
    columns = [(column, cell_maker(column)) for column in table.columns]
    for row in table.paginated_rows:
        cells = []
        for column, make in columns:
            # As `row.items()` gives them: the column knows its row's value and record (for
            # attributes computed per record).
            cell = column.current_value = make(row)
            column.current_record = row.record
            if column.localize is not None:
                cell = localize(cell) if column.localize else unlocalize(cell)
            cells.append(
                f"<td {td_attributes(column)}>{render_value_in_context(cell, context)}</td>"
            )
        rows.append(f"<tr {row.attrs.as_html()}>{''.join(cells)}</tr>")
    if not rows and table.empty_text:
        rows.append(
            f'<tr><td colspan="{len(table.columns)}">{conditional_escape(table.empty_text)}</td></tr>'
        )
    return mark_safe("\n".join(rows))
